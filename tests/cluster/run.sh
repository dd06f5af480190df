#!/usr/bin/env bash
# The cluster, with real nodes: separate JVMs on loopback addresses 127.0.0.11-15, Raft over
# mutual RA-TLS (sim evidence from a throw-away installation, peers pinned to the runtime's
# measurement). A 3-node cluster elects a leader; kill -9 of the leader elects another; the killed
# node rejoins from its data directory under the same id; a fourth node is added and removed; a
# node with another measurement, even at a member's address under its id, is shut out; a wiped
# node comes back under its id with --join and is then part of the majority; bad flags
# and wrong data directories give one line. Prints PASS/FAIL per case and "N passed, M failed".
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ARCA=${ARCA:-$REPO/arca}
T=$(mktemp -d)
export ARCA_CONFIG_DIR="$T/config" ARCA_ATTESTATION_PROVIDER=sim
declare -A PID
cleanup() { for p in "${PID[@]}"; do kill -9 "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass+1)); echo "PASS $1"; }
bad() { fail=$((fail+1)); echo "FAIL $1"; [ -f "$T/err" ] && sed 's/^/    /' "$T/err" | head -8; }
clean() { ! grep -Eq 'Exception|^\s+at [a-z]|\.java:[0-9]+\)' "$T/err" && [ "$(wc -l < "$T/err")" -le 3 ]; }

"$ARCA" --version >/dev/null && "$ARCA" cc -O1 -o "$T/append.wasm" "$HERE/append.c" || { echo "FAIL build"; echo "0 passed, 1 failed"; exit 1; }
BASE=$((20000 + RANDOM % 20000))
addr() { echo "127.0.0.1$1:$((BASE + $1))"; }
PEERS="n1=$(addr 1),n2=$(addr 2),n3=$(addr 3)"
measure() { "$ARCA" measure --json "$@" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["measurement"])'; }
# the nodes and the CLI (the runtime, no manifest) and the one program allowed to keep volume versions
M=$(measure); MA=$(measure --program "$T/append.wasm")
printf '{"allowSim": true, "allowedMeasurements": ["%s", "%s"]}' "$M" "$MA" > "$T/policy.json"
echo '{"entry": "other.wasm"}' > "$T/other.json"; printf '\0asm\1\0\0\0' > "$T/other.wasm"

# start N [EXTRA...]: node nN at 127.0.0.1N in $T/dN, logging to $T/nN.log
start() {
  local n=$1; shift
  "$ARCA" node start --id "n$n" --address "127.0.0.1$n" --raft-port $((BASE + n)) --data "$T/d$n" --policy "$T/policy.json" "$@" >>"$T/n$n.log" 2>&1 &
  PID[$n]=$!
}
# listening N: waits (up to 60 s) until node N accepts connections on its Raft port; a node
# started in the background is not there the moment 'start' returns
listening() {
  for _ in $(seq 1 120); do
    if (exec 3<>"/dev/tcp/127.0.0.1$1/$((BASE + $1))") 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  return 1
}
# status N [POLICY]: the JSON of 'cluster status' through node N, in $T/status.json
status() { "$ARCA" cluster status --node "$(addr "$1")" ${2:+--policy "$2"} >"$T/status.json" 2>"$T/err"; }
# field EXPR: evaluates a Python expression over the status JSON (s)
field() { python3 -c "import json,sys; s=json.load(open('$T/status.json')); print($1)" 2>/dev/null; }
# until_status N EXPR: polls status through node N (up to 60 s) until EXPR is True
until_status() {
  for _ in $(seq 1 60); do
    if status "$1" "${3:-}" && [ "$(field "$2")" = True ]; then return 0; fi
    sleep 1
  done
  return 1
}
members() { field "sorted(m['id'] for m in s['members'])"; }

# the sim installation first: nodes starting at once would each make one
"$ARCA" attest quote -o "$T/q" 2>/dev/null || { echo "FAIL sim installation"; echo "0 passed, 1 failed"; exit 1; }
for n in 1 2 3; do start $n --peers "$PEERS"; done
if until_status 1 "s['leader'] in ('n1','n2','n3') and len(s['members']) == 3" \
   && [ "$(members)" = "['n1', 'n2', 'n3']" ] && [ "$(field "sum(m['role'] == 'leader' for m in s['members'])")" = 1 ] \
   && [ "$(field "sorted(m['address'] for m in s['members'])")" = "['$(addr 1)', '$(addr 2)', '$(addr 3)']" ]
then ok "3 nodes elect a leader over mutual RA-TLS; 'cluster status' lists members (id, address, role) and the leader"
else bad "3 nodes elect a leader over mutual RA-TLS"; cat "$T/status.json" 2>/dev/null; fi
grep -q "node n2: peer attested: sim measurement $M" "$T/n1.log" && ok "a node logs each peer's verified measurement" || bad "a node logs each peer's verified measurement"

leader=$(field "s['leader']"); L=${leader#n}
case "$L" in 1|2|3) ;; *) echo "no leader to go on with"; echo "$pass passed, $((fail+1)) failed"; exit 1 ;; esac
{ kill -9 "${PID[$L]}"; wait "${PID[$L]}"; } 2>/dev/null
other=$(( L % 3 + 1 ))
if until_status $other "s['leader'] not in (None, '$leader') and len(s['members']) == 3"
then ok "kill -9 of the leader ($leader): another is elected ($(field "s['leader']"))"; else bad "kill -9 of the leader: another is elected"; fi
# the survivors did not wait out Ratis's election timeout: one found the leader's Raft port refusing (LeaderWatch)
grep -h "leader $leader silent [0-9]* ms and its Raft port refuses connections: starting an election" "$T"/n[123].log >"$T/forced" 2>/dev/null
[ "$(wc -l < "$T/forced")" -ge 1 ] && ok "a follower finds the crashed leader's port refusing and starts the election at once ($(head -1 "$T/forced" | grep -o 'node n[0-9]*: leader.*ms'))" \
  || bad "a follower starts the election when the leader's port refuses"

start "$L" --peers "$PEERS"
if until_status "$L" "s['node'] == '$leader' and s['leader'] not in (None,) and len(s['members']) == 3" && [ "$(members)" = "['n1', 'n2', 'n3']" ] \
   && [ "$(ls -I run.sock -I run.sock.lock "$T/d$L")" = "$(printf 'node.json\nraft')" ] && [ -S "$T/d$L/run.sock" ] # (run.sock and its lock: 'arca run --node')
then ok "the killed node restarts from its data directory and rejoins as $leader"; else bad "the killed node rejoins under the same id"; fi

# a leader that is paused (SIGSTOP: as a stall or a cut-off host looks) still accepts connections:
# no follower takes it for crashed, and the election comes from Ratis's timeout alone
status "$other" && P=$(field "s['leader'][1:]")
case "$P" in 1|2|3)
  cat "$T"/n[123].log | grep -c "starting an election" >"$T/before-pause"
  kill -STOP "${PID[$P]}"
  if until_status $(( P % 3 + 1 )) "s['leader'] not in (None, 'n$P')"; then elected=yes; else elected=no; fi
  kill -CONT "${PID[$P]}"
  [ $elected = yes ] && [ "$(cat "$T"/n[123].log | grep -c "starting an election")" = "$(cat "$T/before-pause")" ] \
    && until_status "$P" "s['leader'] not in (None, 'n$P') and len(s['members']) == 3" \
    && ok "a paused leader (SIGSTOP, its port still accepting) is replaced by Ratis's own timeout, no forced election; it follows when resumed" \
    || bad "a paused leader is replaced without a forced election (elected: $elected)" ;;
*) bad "a paused leader: no leader to pause ('$P')" ;;
esac

# freshness from the cluster: a volume's committed version is in the replicated state, so an
# older copy of the volume is refused on a host whose own state knows nothing (a fresh
# ARCA_STATE_DIR), which a local record cannot do
head -c 32 /dev/urandom > "$T/vol.key"
vrun() { ARCA_STATE_DIR="$T/state-$1" "$ARCA" run ${2:+--cluster "$2"} --volume "$T/vol::/data" --key-file "$T/vol.key" "$T/append.wasm" "$3"; }
if vrun a "$(addr 1)" one >"$T/out" 2>"$T/err" && cp "$T/vol" "$T/vol.old" && vrun a "$(addr 2)" two >"$T/out" 2>"$T/err" \
   && [ "$(cat "$T/out")" = "$(printf 'one\ntwo')" ]
then ok "arca run --cluster: a volume's versions recorded in the cluster (through any node)"; else bad "arca run --cluster records a volume's versions"; fi
cp "$T/vol" "$T/vol.new"; cp "$T/vol.old" "$T/vol"
vrun b "$(addr 3)" three >"$T/out" 2>"$T/err"
[ $? = 125 ] && grep -q "rollback" "$T/err" && clean && [ ! -s "$T/out" ] \
  && ok "an older copy of the volume is refused on a host with fresh local state (the cluster knows the version)" \
  || bad "an older copy of the volume is refused through the cluster"
cp "$T/vol.old" "$T/vol"
vrun c "" three >"$T/out" 2>"$T/err"
[ $? = 0 ] && [ "$(cat "$T/out")" = "$(printf 'one\nthree')" ] && ok "(without --cluster the same old copy passes on a fresh host: the gap the cluster closes)" \
  || bad "without --cluster the old copy passes on a fresh host"
cp "$T/vol.new" "$T/vol"
vrun b "$(addr 3)" four >"$T/out" 2>"$T/err" && [ "$(cat "$T/out")" = "$(printf 'one\ntwo\nfour')" ] \
  && ok "the newest copy mounts anywhere through the cluster" || bad "the newest copy mounts through the cluster"
"$ARCA" cc -O2 -o "$T/other-append.wasm" "$HERE/append.c"
ARCA_STATE_DIR="$T/state-b" "$ARCA" run --cluster "$(addr 1)" --volume "$T/vol::/data" --key-file "$T/vol.key" "$T/other-append.wasm" x >"$T/out" 2>"$T/err"
rc=$?; cp "$T/err" "$T/err.other"
five=$(vrun b "$(addr 1)" five 2>/dev/null) # always: the checks after this one count on 'five' being there
cp "$T/err.other" "$T/err"
[ $rc = 125 ] && grep -q "refused this client" "$T/err" && clean && [ "$five" = "$(printf 'one\ntwo\nfour\nfive')" ] \
  && ok "another program (another measurement) is refused by the cluster and changes nothing" || bad "another program is refused by the cluster"
vrun d 127.0.0.1:1 six >"$T/out" 2>"$T/err"
[ $? = 125 ] && grep -q "cannot reach" "$T/err" && clean && ok "--cluster at an address with no node: one line, 125, nothing mounted" || bad "--cluster at an address with no node"

# a fourth node, started empty and not among --peers, joins through 'cluster add' and leaves
start 4; listening 4
"$ARCA" cluster add --node "$(addr 1)" --id n4 --address "$(addr 4)" 2>"$T/err" >/dev/null
if [ $? = 0 ] && until_status 4 "len(s['members']) == 4 and s['leader'] is not None" && [ "$(members)" = "['n1', 'n2', 'n3', 'n4']" ]
then ok "'cluster add' adds a started node; it learns the leader"; else bad "'cluster add' adds a started node"; fi
"$ARCA" cluster add --node "$(addr 2)" --id n4 --address "$(addr 4)" >/dev/null 2>"$T/err"
[ $? = 125 ] && grep -q "already a member" "$T/err" && clean && ok "adding a member twice: one line, 125" || bad "adding a member twice: one line, 125"
"$ARCA" cluster remove --node "$(addr 2)" --id n4 2>"$T/err" >/dev/null
if [ $? = 0 ] && until_status 1 "len(s['members']) == 3" && [ "$(members)" = "['n1', 'n2', 'n3']" ]
then ok "'cluster remove' takes a member out"; else bad "'cluster remove' takes a member out"; fi
{ kill -9 "${PID[4]}"; wait "${PID[4]}"; } 2>/dev/null

# hostile: a node whose evidence carries another measurement (another manifest) is refused
start 5 --manifest "$T/other.json"; listening 5
"$ARCA" cluster add --node "$(addr 1)" --id n5 --address "$(addr 5)" --policy "$T/policy.json" >/dev/null 2>"$T/err"
[ $? = 125 ] && grep -q "refused" "$T/err" && clean && status 1 && [ "$(members)" = "['n1', 'n2', 'n3']" ] \
  && ok "a node with another measurement cannot be added (the client's policy refuses it first)" || bad "a node with another measurement cannot be added"
{ kill -9 "${PID[5]}"; wait "${PID[5]}"; } 2>/dev/null
# ... and at a member's address, under the member's id, with an empty directory: the members
# refuse its TLS both ways, so it never hears of a leader and never wins a vote
victim=$(( $(field "int(s['leader'][1:])") % 3 + 1 ))
{ kill -9 "${PID[$victim]}"; wait "${PID[$victim]}"; } 2>/dev/null
mv "$T/d$victim" "$T/d$victim.real"
start "$victim" --peers "$PEERS" --manifest "$T/other.json"
sleep 8
if status "$victim" && [ "$(field "s['leader']")" = None ] && [ "$(field "s['role']")" != leader ] \
   && until_status $(( victim % 3 + 1 )) "s['leader'] not in (None, 'n$victim')" \
   && for n in 1 2 3; do [ $n = "$victim" ] || cat "$T/n$n.log"; done | grep -q "ra-tls: refused: RA-TLS: peer refused"
then ok "an impostor with another measurement at n$victim's address, under its id, is shut out"
else bad "an impostor at a member's address is shut out"; cat "$T/status.json"; grep -h "refused\|ssl\|SSL" "$T"/n*.log | cut -c1-300 | sort | uniq -c | head; fi
{ kill -9 "${PID[$victim]}"; wait "${PID[$victim]}"; } 2>/dev/null
rm -rf "$T/d$victim"; mv "$T/d$victim.real" "$T/d$victim"
start "$victim" --peers "$PEERS"
until_status "$victim" "s['leader'] is not None" && ok "the real n$victim comes back and follows the leader" || bad "the real n$victim comes back"

# a wiped node (its directory lost) comes back under its id and address with --join: the cluster
# forgets its old membership first (that node forgot its log and votes), adds it anew, and it
# catches up; then it is needed for a majority, and the volume's committed version is there
W=$(( $(field "int(s['leader'][1:])") % 3 + 1 )); J=$(( W % 3 + 1 )); K=$(( 6 - W - J ))
{ kill -9 "${PID[$W]}"; wait "${PID[$W]}"; } 2>/dev/null
rm -rf "$T/d$W"
start "$W" --peers "$PEERS" --join "$(addr $J)"
if until_status "$W" "s['leader'] is not None and sorted(m['id'] for m in s['members']) == ['n1', 'n2', 'n3'] and '$(addr $W)' in [m['address'] for m in s['members']]" \
   && grep -q "node n$W: joined the cluster through $(addr $J) (its old membership, whose directory was lost, removed first)" "$T/n$W.log"
then ok "a wiped n$W started again with --join: its old membership removed, added anew under its id and address"
else bad "a wiped node rejoins with --join"; grep -v "^\s*at " "$T/n$W.log" | tail -5; fi
{ kill -9 "${PID[$K]}"; wait "${PID[$K]}"; } 2>/dev/null
vrun b "$(addr $W)" seven >"$T/out" 2>"$T/err"
[ $? = 0 ] && [ "$(cat "$T/out")" = "$(printf 'one\ntwo\nfour\nfive\nseven')" ] \
  && ok "with n$K down, the rejoined n$W and n$J are the majority: the volume mounts at its committed version and commits" \
  || bad "a rejoined wiped node has caught up"
start "$K" --peers "$PEERS"; until_status "$K" "s['leader'] is not None" || true
# hostile: --join under the id of a member that answers at its address (not wiped), and --join
# where no node listens: one line each, nothing started or changed
"$ARCA" node start --id "n$J" --address 127.0.0.16 --raft-port $((BASE + 6)) --data "$T/d6" --policy "$T/policy.json" --join "$(addr $W)" >/dev/null 2>"$T/err"
[ $? = 125 ] && grep -q "is not wiped" "$T/err" && clean && status "$W" && [ "$(members)" = "['n1', 'n2', 'n3']" ] \
  && ok "--join under the id of a live member: refused in one line, the cluster unchanged" || bad "--join under a live member's id is refused"
"$ARCA" node start --id n7 --address 127.0.0.17 --raft-port $((BASE + 7)) --data "$T/d7" --policy "$T/policy.json" --join 127.0.0.1:1 >/dev/null 2>"$T/err"
[ $? = 125 ] && grep -q "cannot reach" "$T/err" && clean && ok "--join where no node listens: one line, 125" || bad "--join where no node listens"

# a client whose policy the nodes do not meet stops at the handshake
printf '{"allowSim": true, "allowedMeasurements": ["%064d"]}' 0 > "$T/strict.json"
status 1 "$T/strict.json"
[ $? = 125 ] && grep -q "refused" "$T/err" && clean && ok "a client refuses nodes that do not meet its policy: one line, 125" || bad "a client refuses nodes that do not meet its policy"

# bad input: one line, no stack trace, nothing started or changed
"$ARCA" node start --id n1 --address 127.0.0.11 --raft-port $((BASE + 9)) --data "$T/d2" --policy "$T/policy.json" >/dev/null 2>"$T/err"
[ $? = 125 ] && grep -q "belongs to node n2" "$T/err" && clean && ok "another node's data directory is refused" || bad "another node's data directory is refused"
for args in "--peers n1=localhost:1" "--peers n1=127.0.0.11:0" "--peers n1=127.0.0.11:7,n1=127.0.0.12:8" "--peers bad" "--peers ../x=127.0.0.1:5"; do
  # shellcheck disable=SC2086
  "$ARCA" node start --id n9 --address 127.0.0.19 --raft-port $((BASE + 9)) --data "$T/d9" --policy "$T/policy.json" $args >/dev/null 2>"$T/err"
  [ $? = 125 ] && clean || { bad "node start $args: one line, 125"; continue; }
  ok "node start $args: one line, 125"
done
"$ARCA" node start --id 'a/b' --address 127.0.0.19 --raft-port 5 --data "$T/d9" --policy "$T/policy.json" >/dev/null 2>"$T/err"
[ $? = 125 ] && grep -q "node id" "$T/err" && clean && ok "a node id with '/' is refused" || bad "a node id with '/' is refused"
"$ARCA" cluster status --node 127.0.0.1:1 >/dev/null 2>"$T/err"
[ $? = 125 ] && grep -q "cannot reach" "$T/err" && clean && ok "status of a node that is not there: one line, 125" || bad "status of a node that is not there"
"$ARCA" cluster remove --node "$(addr 1)" --id nobody >/dev/null 2>"$T/err"
[ $? = 125 ] && grep -q "not a member" "$T/err" && clean && ok "removing a non-member: one line, 125" || bad "removing a non-member"
"$ARCA" cluster status >/dev/null 2>"$T/err"
[ $? = 2 ] && ok "cluster status without --node: usage, 2" || bad "cluster status without --node: usage, 2"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
