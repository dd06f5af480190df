#!/usr/bin/env bash
# The ledger of the cluster demo (demo/bank.c, a plain POSIX HTTP server over SQLite 3.40.1), built
# natively with gcc and for Arca with 'arca cc' from the same source, run three ways at once on
# 127.0.0.1: native, in Arca on a host directory (--dir), in Arca on an encrypted volume (--volume
# --key-file). The same fixed request sequence (tests/cluster/bank-requests.py: a repeated id
# applied once, insufficient funds, an unknown account, bad amounts, malformed and oversize
# requests, a client that connects and closes, one that vanishes mid-request, one that holds half
# a request while another is served) must give every expected status and the same bytes from all
# three, and the same balances. Then: a restart does not seed again; kill -9 of the Arca server
# right after an acknowledged transfer, while demo/bank-client.sh streams transfers and retries,
# then a restart on the same volume: every acknowledged transfer is there (bank-client.sh check);
# a ledger whose commit fails (a file size limit: EFBIG) answers 503, says one line and exits 1,
# natively and in Arca, and keeps every transfer it acknowledged. Prints PASS/FAIL per case and
# "N passed, M failed".   KEEP_TMP=1 keeps the work directory.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ARCA=${ARCA:-$REPO/arca}
T=$(mktemp -d /tmp/arca-bank.XXXXXX)
export ARCA_STATE_DIR="$T/state"
declare -A PID=()
cleanup() {
  for p in "${PID[@]}"; do kill -9 "$p" 2>/dev/null; done
  wait 2>/dev/null
  if [ "${KEEP_TMP:-0}" = 1 ]; then echo "work directory: $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass+1)); echo "PASS $1"; }
bad() { fail=$((fail+1)); echo "FAIL $1"; [ -n "${2:-}" ] && [ -f "$2" ] && sed 's/^/    /' "$2" | head -20; }
finish() { echo "$pass passed, $fail failed"; [ "$fail" = 0 ]; exit; }

"$REPO/demo/bank-build.sh" > "$T/build.out" 2>&1 || { bad "demo/bank-build.sh" "$T/build.out"; finish; }
BANK=$(tail -2 "$T/build.out" | head -1); WASM=$(tail -1 "$T/build.out")
head -c 32 /dev/urandom > "$T/key"
read -r P1 P2 P3 P4 P5 P6 < <(python3 -c 'import socket
ss=[socket.socket() for _ in range(6)]
for s in ss: s.bind(("127.0.0.1",0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')

# start NAME COMMAND...: in the background, stdout NAME.out, stderr NAME.err (appended), pid PID[NAME]
start() { local name=$1; shift; "$@" >> "$T/$name.out" 2>> "$T/$name.err" & PID[$name]=$!; }
# serving NAME: until NAME printed "bank: serving" since it was started (120 s: the first Arca
# start compiles the module), or it ended
serving() {
  for _ in $(seq 1 480); do
    [ "$(grep -c '^bank: serving on' "$T/$1.out" 2>/dev/null)" -ge "${2:-1}" ] && return 0
    kill -0 "${PID[$1]}" 2>/dev/null || return 1
    sleep 0.25
  done
  return 1
}
stop() { { kill -9 "${PID[$1]}"; wait "${PID[$1]}"; } 2>/dev/null; unset "PID[$1]"; }
balances() { curl -s --max-time 10 "http://127.0.0.1:$1/balances"; }
arca_dir() { start "$1" "$ARCA" run --dir "$2::/data" --listen "$3" "$WASM" /data/bank.db "$3"; }
arca_vol() { start "$1" "$ARCA" run --volume "$2::/data" --key-file "$T/key" --listen "$3" "$WASM" /data/bank.db "$3"; }

mkdir -p "$T/native" "$T/arca"
start native "$BANK" "$T/native/bank.db" "$P1"
arca_dir arca "$T/arca" "$P2"
arca_vol vol "$T/bank.vol" "$P3"
for s in native arca vol; do serving $s || { bad "$s: the ledger starts" "$T/$s.err"; finish; }; done
ok "the ledger serves natively, in Arca on a host directory and in Arca on an encrypted volume"

python3 "$HERE/bank-requests.py" "$P1" > "$T/native.tr" 2>&1
grep '^== ' "$T/native.tr" > "$T/statuses"
cat > "$T/want" <<'EOF'
== balances at the start: 200
== transfer t-1 alice->bob 100: 200
== t-1 again (applied once): 200
== t-1 again, sent byte by byte: 200
== t-2 insufficient funds: 409
== t-3 unknown account: 400
== t-3 negative amount: 400
== t-3 zero amount: 400
== t-3 non-numeric amount: 400
== t-3 fractional amount: 400
== t-3 amount of 20 digits: 400
== t-3 empty amount: 400
== t-3 to itself: 400
== t-3 id with a quote: 400
== body without the amount: 400
== body with a key twice: 400
== body with another key: 400
== body that is not a form: 400
== POST without Content-Length: 400
== Content-Length not a number: 400
== chunked body: 400
== malformed request line: 400
== binary garbage: 400
== unknown path: 404
== oversize head (8 KiB header): 400
== oversize body (Content-Length 100000): 400
== served while another client holds half a request: 200
== the held request completed: 200
== t-1 present: 200
== t-2 absent (refused): 200
== t-9 absent (client vanished): 200
== bad id in a lookup: 400
== balances at the end: 200
EOF
diff "$T/want" "$T/statuses" > "$T/diff" && grep -qx "ok t-1 (already)" "$T/native.tr" && [ "$(grep -c '^ok t-1$' "$T/native.tr")" = 1 ] \
  && ok "natively: every case of the sequence gets its status (a repeated id: 200 'already', applied once)" \
  || bad "natively: every case gets its status" "$T/diff"
for s in arca:$P2 vol:$P3; do
  python3 "$HERE/bank-requests.py" "${s#*:}" > "$T/${s%:*}.tr" 2>&1
  diff "$T/native.tr" "$T/${s%:*}.tr" > "$T/diff" && ok "${s%:*}: the same responses as native, byte for byte ($(wc -c < "$T/native.tr") bytes)" \
    || bad "${s%:*}: the same responses as native" "$T/diff"
done
printf 'alice 999900\nbob 999850\ncarol 1000175\ndave 1000075\ntotal 4000000\ntransfers 3\n' > "$T/want"
balances "$P1" > "$T/b1"; balances "$P2" > "$T/b2"; balances "$P3" > "$T/b3"
cmp -s "$T/b1" "$T/want" && cmp -s "$T/b2" "$T/want" && cmp -s "$T/b3" "$T/want" \
  && ok "GET /balances: native, --dir and --volume equal byte for byte, as the accepted transfers imply, total 4000000" \
  || { cat "$T/b1" "$T/b2" "$T/b3" > "$T/diff"; bad "GET /balances equal on the three" "$T/diff"; }
alive=1; for s in native arca vol; do kill -0 "${PID[$s]}" 2>/dev/null || alive=0; done
[ $alive = 1 ] && ! grep -v '^arca: network: listen' "$T/native.err" "$T/arca.err" "$T/vol.err" | grep -q . \
  && ok "after the hostile cases all three still run, nothing on stderr" \
  || { cat "$T"/*.err > "$T/diff"; bad "after the hostile cases all three still run, nothing on stderr" "$T/diff"; }
! grep -aq "SQLite format 3\|alice" "$T/bank.vol" && grep -aq "SQLite format 3" "$T/arca/bank.db" \
  && ok "the encrypted volume holds no plaintext (the --dir database does)" || bad "the encrypted volume holds no plaintext"

stop vol
arca_vol vol "$T/bank.vol" "$P3"
serving vol 2 && [ "$(balances "$P3")" = "$(cat "$T/want")" ] && ok "restarted on its volume: not seeded again, the balances unchanged" \
  || bad "restarted on its volume: the balances unchanged" "$T/vol.err"
stop native; stop arca; stop vol

# kill -9 right after an acknowledged transfer, with a client streaming transfers and retrying
K=60 AT=15
arca_vol kill "$T/kill.vol" "$P4"
serving kill || { bad "the ledger starts on a new volume" "$T/kill.err"; finish; }
touch "$T/acked"
BANK_DEADLINE=90 "$REPO/demo/bank-client.sh" post k "$K" "$T/acked" "127.0.0.1:$P4" > "$T/client.out" 2> "$T/client.err" &
client=$!
for _ in $(seq 1 3000); do [ "$(wc -l < "$T/acked" 2>/dev/null || echo 0)" -ge $AT ] && break; sleep 0.02; done
stop kill; at_kill=$(wc -l < "$T/acked")
arca_vol kill "$T/kill.vol" "$P4"
serving kill 2 || bad "the ledger restarts on the same volume after kill -9" "$T/kill.err"
wait $client; rc=$?
[ $rc = 0 ] && [ "$at_kill" -ge $AT ] && [ "$at_kill" -lt $K ] && [ "$(wc -l < "$T/acked")" = $K ] \
  && ok "kill -9 of the Arca ledger after $at_kill acknowledged transfers, restart: the client's retries complete all $K ($(cat "$T/client.out"))" \
  || { cat "$T/client.out" "$T/client.err" > "$T/diff"; bad "kill -9 mid-stream: the client completes (rc $rc, $at_kill acked at the kill)" "$T/diff"; }
"$REPO/demo/bank-client.sh" check k "$K" "$T/acked" "127.0.0.1:$P4" > "$T/check.out" 2>&1 \
  && ok "bank-client.sh check: every acknowledged transfer is present, total 4000000, balances as the transfers imply" \
  || bad "bank-client.sh check after kill -9 and restart" "$T/check.out"
stop kill

# a ledger that cannot commit stops: EFBIG under a file size limit (SIGXFSZ ignored, as a
# fenced replicated volume gives EIO); every transfer it acknowledged is there after a restart
failstop() {  # failstop NAME PORT COMMAND...
  local name=$1 port=$2 i code acked=0; shift 2
  (trap '' XFSZ; ulimit -f 512; exec "$@") > "$T/$name.out" 2> "$T/$name.err" &
  PID[$name]=$!
  serving "$name" || { bad "$name: the ledger starts under a file size limit" "$T/$name.err"; return; }
  for i in $(seq 1 1000); do
    code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -d "id=f-$i&from=alice&to=bob&amount=1" "http://127.0.0.1:$port/transfer")
    [ "$code" = 200 ] || break
    acked=$i
  done
  wait "${PID[$name]}"; local rc=$?; unset "PID[$name]"
  [ "$code" = 503 ] && [ $rc = 1 ] && [ "$(grep -c '^bank: ' "$T/$name.err")" = 1 ] && [ "$acked" -gt 0 ] \
    && ok "$name: a commit that fails (EFBIG after $acked transfers): 503, one line ($(grep '^bank: ' "$T/$name.err")), exit status 1" \
    || bad "$name: a failed commit gives 503 and exit 1 (last $code, status $rc)" "$T/$name.err"
  echo "$acked"  > "$T/$name.acked"
}
mkdir -p "$T/fn" "$T/fa"
failstop fnative "$P5" "$BANK" "$T/fn/bank.db" "$P5"
failstop farca "$P6" "$ARCA" run --dir "$T/fa::/data" --listen "$P6" "$WASM" /data/bank.db "$P6"
start fnative "$BANK" "$T/fn/bank.db" "$P5"
arca_dir farca "$T/fa" "$P6"
for s in fnative:$P5 farca:$P6; do
  name=${s%:*} port=${s#*:}; n=$(cat "$T/$name.acked")
  serving "$name" 2 || { bad "$name: restarts without the limit" "$T/$name.err"; continue; }
  present=$(curl -s --max-time 10 "http://127.0.0.1:$port/transfer?id=f-$n"; curl -s --max-time 10 "http://127.0.0.1:$port/transfer?id=f-$((n + 1))")
  b=$(balances "$port")
  # the failed transfer's commit did not return: absent (SQLite rolled it back at the restart)
  [ "$present" = "$(printf 'present f-%s\nabsent f-%s' "$n" $((n + 1)))" ] \
    && [ "$b" = "$(printf 'alice %s\nbob %s\ncarol 1000000\ndave 1000000\ntotal 4000000\ntransfers %s' $((1000000 - n)) $((1000000 + n)) "$n")" ] \
    && ok "$name: restarted, all $n acknowledged transfers are there and nothing else, total 4000000" \
    || { echo "$present"$'\n'"$b" > "$T/diff"; bad "$name: acknowledged transfers kept after the failed commit" "$T/diff"; }
  stop "$name"
done
finish
