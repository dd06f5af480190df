#!/usr/bin/env bash
# A client of the ledger (demo/bank.c) that shows, rather than claims, that no acknowledged transfer
# is lost:
#   bank-client.sh post  PREFIX K ACKED HOST:PORT...   posts transfers PREFIX-1..PREFIX-K, then checks
#   bank-client.sh check PREFIX K ACKED HOST:PORT...   checks only
# Transfer i moves a fixed amount between two of alice, bob, carol, dave (both fixed by i). Each is
# retried with the same id (the ledger applies an id once) on the next HOST:PORT in turn until a
# 200 or until BANK_DEADLINE seconds (30) pass, BANK_RETRY_SLEEP seconds (0.2) apart; every
# acknowledged id is appended to the file ACKED. 400 and 409 are final answers (not retried).
# The check: every id in ACKED is PREFIX-i with i <= K and is present on the ledger; the total is
# 4000000; each balance is 1000000 plus what the present transfers among PREFIX-1..K (acknowledged,
# or applied with the answer lost) imply; and the ledger holds no other transfer (it was fresh).
# Prints one summary line; exit status 0 only when all of it holds.
set -uo pipefail
usage() { echo "usage: bank-client.sh post|check PREFIX K ACKED HOST:PORT..." >&2; exit 2; }
[ $# -ge 5 ] || usage
cmd=$1 prefix=$2 k=$3 acked=$4; shift 4
servers=("$@")
case $cmd in post|check) ;; *) usage ;; esac
[[ $k =~ ^[0-9]+$ ]] && [[ $prefix =~ ^[A-Za-z0-9._-]+$ ]] || usage
deadline_s=${BANK_DEADLINE:-30} pause=${BANK_RETRY_SLEEP:-0.2}
accounts=(alice bob carol dave)
body=$(mktemp); trap 'rm -f "$body"' EXIT
touch "$acked"
srv=0

# transfer I: sets from, to, amount of transfer I (from != to)
transfer() { from=${accounts[$(($1 % 4))]}; to=${accounts[$((($1 + 1 + ($1 / 4) % 3) % 4))]}; amount=$((1 + ($1 * 7919) % 997)); }
now() { date +%s%N; }

# call METHOD PATH [DATA]: one request to the current server; prints the status code ("000" when
# none came), the answer in $body
call() {
  local -a data=(); [ $# -ge 3 ] && data=(--data "$3")
  curl -s --http1.0 --max-time 5 -o "$body" -w '%{http_code}' -X "$1" "${data[@]}" "http://${servers[$srv]}$2" 2>/dev/null || true
}

# until_ok METHOD PATH [DATA]: the request, on each server in turn, until a final answer (200,
# 400, 409) or the deadline; sets code (000 at the deadline). Not in a subshell: the server that
# answered stays the current one.
until_ok() {
  local end=$(( $(now) + deadline_s * 1000000000 ))
  while :; do
    code=$(call "$@")
    case $code in 200|400|409) return ;; esac
    [ "$(now)" -lt "$end" ] || { code=000; return; }
    srv=$(( (srv + 1) % ${#servers[@]} ))
    sleep "$pause"
  done
}

if [ "$cmd" = post ]; then
  refused=0 lost=0
  for ((i = 1; i <= k; i++)); do
    transfer "$i"; id="$prefix-$i"
    until_ok POST /transfer "id=$id&from=$from&to=$to&amount=$amount"
    if [ "$code" = 200 ] && grep -Eq "^ok $id( \(already\))?$" "$body"; then echo "$id" >> "$acked"
    elif [ "$code" = 000 ]; then lost=$((lost + 1)); echo "bank-client: $id: no answer within ${deadline_s}s" >&2
    else refused=$((refused + 1)); echo "bank-client: $id: $code $(head -c 200 "$body")" >&2; fi
  done
  [ "$refused$lost" = 00 ] || echo "bank-client: $refused refused, $lost not acknowledged in time" >&2
fi

# the check
fail() { echo "bank-client: $prefix: FAIL: $*"; exit 1; }
declare -A is_acked=() want=()
while read -r id; do
  [ -z "$id" ] && continue
  [[ $id =~ ^$prefix-([0-9]+)$ ]] && [ "${BASH_REMATCH[1]}" -ge 1 ] && [ "${BASH_REMATCH[1]}" -le "$k" ] || fail "acknowledged id '$id' is not one of $prefix-1..$k"
  is_acked[$id]=1
done < "$acked"
for a in "${accounts[@]}"; do want[$a]=1000000; done
present=0 unacked=0
for ((i = 1; i <= k; i++)); do
  id="$prefix-$i"
  until_ok GET "/transfer?id=$id"; [ "$code" = 200 ] || fail "GET /transfer?id=$id: no answer"
  if grep -qx "present $id" "$body"; then
    transfer "$i"; present=$((present + 1))
    want[$from]=$((want[$from] - amount)); want[$to]=$((want[$to] + amount))
    [ -n "${is_acked[$id]:-}" ] || unacked=$((unacked + 1))
  elif grep -qx "absent $id" "$body"; then
    [ -z "${is_acked[$id]:-}" ] || fail "acknowledged transfer $id is absent"
  else fail "GET /transfer?id=$id: $(head -c 200 "$body")"; fi
done
until_ok GET /balances; [ "$code" = 200 ] || fail "GET /balances: no answer"
expected=$(for a in "${accounts[@]}"; do echo "$a ${want[$a]}"; done; echo "total 4000000"; echo "transfers $present")
[ "$(cat "$body")" = "$expected" ] || fail "balances are not what the transfers imply: got [$(tr '\n' ' ' < "$body")], want [$(tr '\n' ' ' <<< "$expected")]"
echo "bank-client: $prefix: ok: ${#is_acked[@]} acknowledged, all present ($unacked more applied with the answer lost); total 4000000; balances equal the $present transfers"
