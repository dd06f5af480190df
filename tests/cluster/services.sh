#!/usr/bin/env bash
# Services (docs/cluster.md, "Services"), with real nodes: three node JVMs on 127.0.0.41-43, a key
# broker, and tests/cluster/kv.c (a key-value server that fsyncs every write to a replicated
# volume) deployed with 'arca service deploy'. Its port is published on every node. kill -9 of the
# node that runs it: the leader moves it, the new node mounts the volume from the cluster and
# every acknowledged write is there. A node that stops answering (SIGSTOP: cut off) loses its
# service, and when it comes back its copy is stopped and can no longer commit (the volume's fence).
# Moves, stops, a service that cannot start, and bad deployments give one line each. A service's
# RA-TLS port, its peer policy deployed with it, answers attested clients through every node.
# Prints PASS/FAIL per case and "N passed, M failed".
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ARCA=${ARCA:-$REPO/arca}
JAVA=${ARCA_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
T=$(mktemp -d)
export ARCA_CONFIG_DIR="$T/config" ARCA_ATTESTATION_PROVIDER=sim
declare -A PID
cleanup() { for p in "${PID[@]}"; do kill -CONT "$p" 2>/dev/null; kill -9 "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass+1)); echo "PASS $1"; }
bad() { fail=$((fail+1)); echo "FAIL $1"; [ -f "$T/err" ] && sed 's/^/    /' "$T/err" | head -8; for n in 1 2 3; do grep -h "service\|error" "$T/n$n.log" 2>/dev/null | grep -v WARN | sed "s/^/    n$n: /" | tail -6; done; }
clean() { ! grep -Eq 'Exception|^\s+at [a-z]|\.java:[0-9]+\)' "$T/err" && [ "$(wc -l < "$T/err")" -le 3 ]; }

"$ARCA" --version >/dev/null && "$ARCA" cc -O2 -o "$T/kv.wasm" "$HERE/kv.c" || { echo "FAIL build"; echo "0 passed, 1 failed"; exit 1; }
BASE=$((20000 + RANDOM % 20000))
PORT=$((BASE + 10)) BROKER=$((BASE + 20))
addr() { echo "127.0.0.4$1:$((BASE + $1))"; }
PEERS="n1=$(addr 1),n2=$(addr 2),n3=$(addr 3)"
echo '{"allowSim": true}' > "$T/policy.json"
start() { "$ARCA" node start --id "n$1" --address "127.0.0.4$1" --raft-port $((BASE + $1)) --peers "$PEERS" --data "$T/d$1" --policy "$T/policy.json" >>"$T/n$1.log" 2>&1 & PID[$1]=$!; }
listening() { for _ in $(seq 1 240); do (exec 3<>"/dev/tcp/127.0.0.4$1/$((BASE + $1))") 2>/dev/null && return 0; sleep 0.5; done; return 1; }
# status [FIELD]: the service's record as node 1..3 answers (the first that does)
status() { for n in 1 2 3; do s=$("$ARCA" service status kv --node "$(addr $n)" 2>/dev/null) && { echo "$s" | python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; return; }; done; }
# kv N REQUEST: one request through node N's published port; prints the answer
kv() { ( exec 3<>"/dev/tcp/127.0.0.4$1/$PORT" && IFS= read -t 5 -r hello <&3 && [ "$hello" = kv ] && printf '%s\n' "$2" >&3 && IFS= read -t 5 -r line <&3 && echo "$line" ) 2>/dev/null; }
# put KEY VALUE [DEADLINE_S]: retried through every node until acknowledged; appends to acked
put() {
  local end=$(( $(date +%s) + ${3:-60} ))
  while [ "$(date +%s)" -lt "$end" ]; do
    for n in 1 2 3; do [ "$(kv $n "put $1 $2")" = ok ] && { echo "$1 $2" >> "$T/acked"; return 0; }; done
    sleep 0.1
  done
  return 1
}
# check: every acknowledged write reads back (the last value acknowledged per key), through node N
check() { python3 - "$T/acked" <<'PY' > "$T/want"
import sys
last = {}
for l in open(sys.argv[1]): k, v = l.split(); last[k] = v
for k in sorted(last): print(k, last[k])
PY
  # a get that gets no answer at all (its connection lost while the node hands the cluster's
  # leadership over, as right after a service starts on the leader) is asked again, up to five
  # times; any answer, a wrong or missing value included, counts as it is
  : > "$T/got"; while read -r k _; do
    a=""; for _ in 1 2 3 4 5; do a=$(kv "$1" "get $k") && [ -n "$a" ] && break; sleep 0.5; done
    echo "$k $(printf '%s\n' "$a" | sed 's/^value //')" >> "$T/got"
  done < "$T/want"
  cmp -s "$T/want" "$T/got"; }
# eventually CMD...: true once CMD is (within 30 s)
eventually() { for _ in $(seq 1 60); do "$@" && return 0; sleep 0.5; done; return 1; }
wait_state() { for _ in $(seq 1 ${2:-120}); do [ "$(status "['state']")" = "$1" ] && return 0; sleep 0.5; done; return 1; }

"$ARCA" attest quote -o "$T/q" 2>/dev/null || { echo "FAIL sim installation"; echo "0 passed, 1 failed"; exit 1; }
for n in 1 2 3; do start $n; done
for n in 1 2 3; do listening $n || { echo "FAIL node n$n does not listen"; echo "0 passed, 1 failed"; exit 1; }; done
head -c 32 /dev/urandom > "$T/key"
"$ARCA" keybroker serve --port "$BROKER" --key-file "$T/key" --policy "$T/policy.json" >"$T/broker.log" 2>&1 & PID[b]=$!
cat > "$T/kv.json" <<JSON
{"entry": "kv.wasm", "args": ["/data", "$PORT"], "network": {"listen": [{"port": $PORT}]},
 "mounts": [{"type": "encfs", "source": "kv.vol", "path": "/data", "replicated": true}]}
JSON
: > "$T/acked"

"$ARCA" service deploy kv --manifest "$T/kv.json" --node "$(addr 1)" --key-broker "127.0.0.1:$BROKER" >/dev/null 2>"$T/err"; rc=$?
if [ $rc = 0 ] && wait_state running && [ -n "$(status "['node']")" ]; then ok "deploy: the leader places the service (on $(status "['node']")), it runs"; else bad "deploy places and runs the service"; fi
ok1=$(kv 1 "put a 1"); ok2=$(kv 2 "put b 2"); ok3=$(kv 3 "put c 3"); echo "a 1
b 2
c 3" >> "$T/acked"
[ "$ok1$ok2$ok3" = okokok ] && [ "$(kv 2 'get a')" = "value 1" ] && [ "$(kv 3 'get b')" = "value 2" ] \
  && ok "its port answers on every node's address (published, forwarded to where it runs)" || bad "the published port answers on every node"

# kill -9 of the node that runs it, in the middle of a stream of writes
for i in $(seq 1 20); do put "k$i" "v$i" 10 || break; done
R=$(status "['node']"); R=${R#n}
( for i in $(seq 21 60); do put "k$i" "v$i" 60 || exit 1; done ) & W=$!
sleep 1; t0=$(date +%s%N); { kill -9 "${PID[$R]}"; wait "${PID[$R]}"; } 2>/dev/null
wait $W; wrc=$?
G=$(status "['node']")
if [ $wrc = 0 ] && [ -n "$G" ] && [ "$G" != "n$R" ] && [ "$(status "['state']")" = running ] && check "${G#n}"
then ok "kill -9 of n$R, which ran it, mid-stream: moved to $G, all $(wc -l < "$T/acked") acknowledged writes there, the stream went on"
else bad "kill -9 of the service's node: it moves and nothing acknowledged is lost"; echo "    writer $wrc, now on '$G'"; diff "$T/want" "$T/got" | head -5; fi

# the killed node restarts with its data: it rejoins and does not run the service again
before=$(grep -c "running on node n$R" "$T/n$R.log")
start "$R"; listening "$R"
if eventually check "$R" && [ "$(status "['node']")" = "$G" ] && [ "$(grep -c "running on node n$R" "$T/n$R.log")" = "$before" ] && put after-restart 1 30
then ok "n$R restarts with its data: it rejoins, serves the port, and leaves the service where it is"
else bad "a restarted node leaves the service where it moved"; fi

# a node cut off (SIGSTOP): the service moves; when the node comes back its copy is stopped and fenced
S=${G#n}
kill -STOP "${PID[$S]}"
put "cut" "1" 60; prc=$?
H=$(status "['node']")
kill -CONT "${PID[$S]}"
eventually grep -Eq "service kv: (stopped on node $G|exited with)" "$T/n$S.log"
# its copy ends either way: stopped by its node, or fenced at its next commit (a write forwarded to it meanwhile)
if [ $prc = 0 ] && [ "$H" != "$G" ] && grep -Eq "service kv: (stopped on node $G|exited with)" "$T/n$S.log" && check "${H#n}" && eventually check "$S"
then ok "$G stopped answering (SIGSTOP): moved to $H; when $G came back its copy ended ($(grep -Eo "stopped on node $G|fenced" "$T/n$S.log" | head -1)), every write is there"
else bad "a node cut off loses its service, and its copy stops when it comes back"; echo "    put $prc, now on '$H'"; fi

# the node just resumed from SIGSTOP is heard again at once: a service moved to it runs there and
# stays (the leader waited up to 5 s before it tried a follower that had failed 30 appends again,
# Ratis's default; the supervisor then took the resumed node for dead and moved the service back)
away() { cat "$T"/n?.log | grep -Ec "service kv: node $G (has not answered|is down)"; }
before=$(away)
"$ARCA" service move kv --to "$G" --node "$(addr 1)" >/dev/null 2>"$T/err"; rc=$?
if [ $rc = 0 ] && wait_state running && [ "$(status "['node']")" = "$G" ] && put resumed 1 30 && check "$S" && sleep 3 && [ "$(status "['node']")" = "$G" ] && [ "$(away)" = "$before" ]
then ok "service move --to $G, just resumed from SIGSTOP: it runs there and stays, with every write"
else bad "a node resumed from SIGSTOP takes a service moved to it and keeps it"; echo "    rc $rc, now on '$(status "['node']")'"; fi

# move, stop, move again: to the node that neither runs it nor was the one stopped
T2=""; for n in 1 2 3; do [ "n$n" != "$H" ] && [ "$n" != "$S" ] && T2=$n; done
"$ARCA" service move kv --to "n$T2" --node "$(addr 1)" >/dev/null 2>"$T/err"; rc=$?
if [ $rc = 0 ] && wait_state running && [ "$(status "['node']")" = "n$T2" ] && put moved 1 30 && check "$T2"
then ok "service move --to n$T2: it stops where it ran and runs there, with every write"; else bad "service move"; fi
"$ARCA" service stop kv --node "$(addr 2)" >/dev/null 2>"$T/err"; rc=$?
sleep 2
if [ $rc = 0 ] && [ "$(status "['state']")" = stopped ] && [ -z "$(kv 1 'get a')$(kv 2 'get a')$(kv 3 'get a')" ]
then ok "service stop: stopped everywhere, the port answers nowhere"; else bad "service stop"; fi
"$ARCA" service move kv --to n1 --node "$(addr 3)" >/dev/null 2>"$T/err"
if wait_state running && check 1; then ok "a stopped service started again by move, on n1, with every write"; else bad "move starts a stopped service"; fi

# leadership handed over while the service moves ('arca cluster lead'): while a leader hands over it
# refuses requests (Ratis: "stepping down"); a move, and the new copy's start (its placement read,
# its volume's open), that meet the refusal ask again instead of failing (seen before: the service
# stayed exited, "cannot start: ... stepping down"). The handover is made to last: its target X is
# stopped (SIGSTOP), so the leader steps down until the 3 s timeout; the lead request is sent 0.1 s
# after the move, so it lands while the new copy starts, or, in a slow round, before the move.
leader() { for n in 1 2 3; do s=$("$ARCA" cluster status --node "$(addr $n)" 2>/dev/null) && { echo "$s" | python3 -c 'import json,sys; print((json.load(sys.stdin)["leader"] or "")[1:])'; return; }; done; }
hand=0 handerr=""
for round in 1 2 3; do
  L=$(leader); A=$(status "['node']"); A=${A#n}
  X=""; for n in 1 2 3; do [ "$n" != "$L" ] && [ "$n" != "$A" ] && { X=$n; break; }; done
  TT=""; for n in 1 2 3; do [ "$n" != "$X" ] && [ "$n" != "$A" ] && { TT=$n; break; }; done
  [ -n "$L" ] && [ -n "$X" ] && [ -n "$TT" ] || { handerr="$handerr round $round: leader '$L', service on '$A'"; continue; }
  kill -STOP "${PID[$X]}"
  "$ARCA" service move kv --to "n$TT" --node "$(addr "$L")" >/dev/null 2>"$T/err" & MP=$!
  sleep 0.1
  "$ARCA" cluster lead --id "n$X" --node "$(addr "$L")" --timeout 3000 >/dev/null 2>"$T/lead"; lrc=$?
  wait $MP; mrc=$?
  kill -CONT "${PID[$X]}"
  if [ $mrc = 0 ] && [ $lrc = 125 ] && grep -q "leadership to node n$X" "$T/lead" && [ "$(wc -l < "$T/lead")" -le 3 ] \
     && wait_state running 60 && [ "$(status "['node']")" = "n$TT" ] && put "handover$round" 1 30 && check "$TT"; then hand=$((hand+1))
  else handerr="$handerr round $round: move rc $mrc, lead rc $lrc ($(head -1 "$T/lead")), state $(status "['state']") on $(status "['node']") ($(status "['reason']"))"; fi
done
[ $hand = 3 ] && ok "leadership handed over while the service moved (3 rounds, the handover held open 3 s): the move and the start asked again; it runs where moved, with every write" \
  || bad "a handover during a move leaves the service running:$handerr"
# a node that runs no service is asked to lead (one that did would hand leadership on after 2 s)
L=$(leader); A=$(status "['node']"); A=${A#n}; Y=""; for n in 1 2 3; do [ "$n" != "$L" ] && [ "$n" != "$A" ] && Y=$n; done
"$ARCA" cluster lead --id "n$Y" --node "$(addr "$L")" >/dev/null 2>"$T/err"; rc=$?
[ $rc = 0 ] && [ "$(leader)" = "$Y" ] && put afterlead 1 30 && ok "cluster lead --id n$Y: n$Y leads, the service still answers" || bad "cluster lead hands leadership over"
# the service moved to the leader: the leader hands leadership to a node that runs none (a crash would otherwise cost
# an election before the failover), after it has led for 2 s and the service runs
"$ARCA" service move kv --to "n$Y" --node "$(addr "$Y")" >/dev/null 2>"$T/err"
handed=""; for _ in $(seq 1 40); do [ "$(status "['node']")" = "n$Y" ] && [ "$(status "['state']")" = running ] && { Z=$(leader); [ -n "$Z" ] && [ "$Z" != "$Y" ] && { handed=$Z; break; }; }; sleep 0.5; done
[ -n "$handed" ] && grep -q "leadership handed to node n$handed" "$T/n$Y.log" && put handed 1 30 && check "$Y" \
  && ok "a leader that runs the service (n$Y) hands leadership to n$handed, which runs none; the service answers on, every write there" \
  || bad "a leader that runs a service hands leadership to a node that runs fewer (leader $(leader), service on $(status "['node']"))"
"$ARCA" cluster lead --id n9 --node "$(addr 1)" >/dev/null 2>"$T/err"
[ $? = 125 ] && grep -q "not a member" "$T/err" && clean && ok "cluster lead to a node that is not a member: one line" || bad "cluster lead to a non-member"
"$ARCA" cluster lead --id n1 --timeout 0 --node "$(addr 1)" >/dev/null 2>"$T/err"; r1=$?; e1=$(head -1 "$T/err"); c1=$(clean && echo y)
# longer than 10 s: the leader would refuse writes for longer than clients ask again (15 s with a request timeout)
"$ARCA" cluster lead --id n1 --timeout 10001 --node "$(addr 1)" >/dev/null 2>"$T/err"; [ $? = 125 ] && grep -q -- "--timeout must be 1 to 10000" "$T/err" && clean || { r1="$r1/10001"; }
"$ARCA" cluster lead --id n1 --node "127.0.0.49:$((BASE + 9))" >/dev/null 2>"$T/err"; r2=$?
[ $r1 = 125 ] && echo "$e1" | grep -q -- "--timeout" && [ "$c1" = y ] && [ $r2 = 125 ] && grep -q "cannot reach" "$T/err" && clean \
  && ok "cluster lead with --timeout 0 or 10001, or through an address where no node listens: one line each" || bad "cluster lead's bad input ($r1: $e1; $r2: $(head -1 "$T/err"))"

# linearizability: four clients read and write three keys through every node's port while the
# node running the service is killed (kill -9) twice; the history is checked by Arca's checker
# (Wing-Gong-Lowe, per key). Not under SIGSTOP: a node that resumes can answer reads from its stale
# copy for a moment before its supervisor stops it (writes are fenced, reads are not: docs/cluster.md)
python3 "$HERE/kvload.py" "$T/history" 36 "$PORT" 127.0.0.41 127.0.0.42 127.0.0.43 > "$T/load" 2>&1 & L=$!
killed=""
moved_from() { [ "$(status "['state']")" = running ] && [ "$(status "['node']")" != "n$1" ]; }
for round in 1 2; do
  sleep 8
  V=$(status "['node']"); V=${V#n}
  [ -n "$V" ] || continue
  { kill -9 "${PID[$V]}"; wait "${PID[$V]}"; } 2>/dev/null; killed="$killed n$V"
  eventually moved_from "$V" || true
  sleep 2; start "$V"; listening "$V"
done
wait $L
"$JAVA" --enable-native-access=ALL-UNNAMED -cp "$REPO/cli/target/arca.jar" dev.arca.cluster.linearizability.Check --format kv --timeout 120 "$T/history" > "$T/verdict" 2>&1; vrc=$?
answered=$(grep -o '[0-9]* operations answered' "$T/load" | cut -d' ' -f1)
if [ $vrc = 0 ] && [ "${answered:-0}" -ge 50 ]; then ok "linearizable: $(cat "$T/load" | sed 's/^kvload: //') while$killed were killed; $(head -1 "$T/verdict")"
else bad "a key-value workload through the service is linearizable under kill -9"; cat "$T/load" "$T/verdict" | head -12 | sed 's/^/    /'; fi

# a service that cannot start: its state says why, in one line
# The target is a node restarted after the broker died: a node that was up before could hold a
# standby copy prepared (key fetched) earlier, and would start the service fine.
kill -9 "${PID[b]}"; wait "${PID[b]}" 2>/dev/null
X=$(status "['node']"); X=$(( ${X#n} % 3 + 1 ))
{ kill -9 "${PID[$X]}"; wait "${PID[$X]}"; } 2>/dev/null; start "$X"; listening "$X"; sleep 2
"$ARCA" service move kv --to "n$X" --node "$(addr 1)" >/dev/null 2>"$T/err"
if wait_state exited && status "['reason']" | grep -q "key-broker"; then ok "the key broker gone: the service exits on n$X (restarted since) with the reason in its status ($(status "['reason']" | cut -c1-80)...)"
else bad "a service that cannot start reports why"; echo "    state $(status "['state']"), reason $(status "['reason']")"; fi

# hostile deployments and requests: one line each, nothing changed
printf '{"entry": "kv.wasm", "mounts": [{"type": "hostfs", "source": "/etc", "path": "/etc"}]}' > "$T/hostfs.json"
printf '{"entry": "kv.wasm", "network": {"listen": [{"port": "9000-9010"}]}}' > "$T/range.json"
printf '{"entry": "kv.wasm", "network": {"listen": [{"port": %d}]}}' "$PORT" > "$T/clash.json"
printf '{"entry": "kv.wasm", "mounts": [{"type": "encfs", "source": "v.vol", "path": "/d", "replicated": true}]}' > "$T/nokey.json"
printf '{"entry": "kv.wasm", "mounts": [{"type": "hostfs", "source": "x", "path": "/x", "replicated": true}]}' > "$T/badrep.json"
mkdir -p "$T/elsewhere"; echo '{"allowSim": true}' > "$T/elsewhere/p.json"; echo 'not a policy' > "$T/notpolicy.json"
printf '{"entry": "kv.wasm", "network": {"listen": [{"port": 9001, "tls": "ra-tls", "policy": "elsewhere/p.json"}]}}' > "$T/outpol.json"
printf '{"entry": "kv.wasm", "network": {"connect": [{"host": "127.0.0.1", "port": 9002, "tls": "ra-tls", "policy": "notpolicy.json"}]}}' > "$T/badpol.json"
for c in "hostfs:host directory" "range:fixed ports" "clash:published by service kv" "nokey:--key-broker" "badrep:only an encfs" \
         "outpol:manifest's directory" "badpol:notpolicy.json"; do
  f=${c%%:*} want=${c#*:}
  "$ARCA" service deploy "bad-$f" --manifest "$T/$f.json" --node "$(addr 1)" >/dev/null 2>"$T/err"; rc=$?
  [ $rc = 125 ] && grep -q -- "$want" "$T/err" && clean && ok "deploy refused ($f): $(head -1 "$T/err" | cut -c1-90)" || bad "deploy refused ($f)"
done
"$ARCA" service deploy "bad name" --manifest "$T/kv.json" --node "$(addr 1)" >/dev/null 2>"$T/err"
[ $? = 125 ] && grep -q "name" "$T/err" && clean && ok "a bad service name: one line" || bad "a bad service name"
"$ARCA" service move kv --to n9 --node "$(addr 1)" >/dev/null 2>"$T/err"
[ $? = 125 ] && grep -q "not a member" "$T/err" && clean && ok "move to a node that is not a member: refused" || bad "move to a non-member"
"$ARCA" service status nosuch --node "$(addr 2)" >/dev/null 2>"$T/err"
[ $? = 125 ] && grep -q "no service nosuch" "$T/err" && clean && ok "status of an unknown service: one line" || bad "status of an unknown service"
[ "$("$ARCA" service status --node "$(addr 3)" 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["services"]))')" = 1 ] \
  && ok "status without a name lists the one service (the refused ones left nothing)" || bad "status lists the services"

# an RA-TLS port of a service: its peer policy travels with the deployment (no policy file on
# any node), the port is published on every node and forwarded as TCP, so TLS runs from the
# client to the service itself, wherever it runs; plaintext and other programs are refused
SPORT=$((BASE + 11))
printf '{"entry": "kv.wasm", "args": ["/data", "%d"], "mounts": [{"type": "ramfs", "path": "/data"}],\n "network": {"listen": [{"port": %d, "tls": "ra-tls", "policy": "clients.json"}]}}\n' "$SPORT" "$SPORT" > "$T/sec.json"
conn() { for n in 1 2 3; do printf '%s{"host": "127.0.0.4%d", "port": %d, "tls": "ra-tls", "policy": "service-peers.json"}' "$([ $n = 1 ] || echo ,)" "$n" "$SPORT"; done; }
printf '{"entry": "kv.wasm", "network": {"connect": [%s]}}\n' "$(conn)" > "$T/client.json"
printf '{"entry": "kv.wasm", "network": {"connect": [%s]}, "env": {"WHO": "impostor"}}\n' "$(conn)" > "$T/impostor.json"
measure() { "$ARCA" measure --json "$@" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["measurement"])'; }
MS=$(measure --manifest "$T/sec.json"); MC=$(measure --manifest "$T/client.json")
printf '{"allowSim": true, "allowedMeasurements": ["%s"]}' "$MC" > "$T/clients.json"
printf '{"allowSim": true, "allowedMeasurements": ["%s"]}' "$MS" > "$T/service-peers.json"
ask() { "$ARCA" run --manifest "$T/${3:-client}.json" "$T/kv.wasm" --ask "127.0.0.4$1" "$SPORT" "$2" 2>>"$T/ask.err"; }
sstate() { "$ARCA" service status sec --node "$(addr "$1")" 2>/dev/null | python3 -c "import json,sys; print(json.load(sys.stdin)$2)" 2>/dev/null; }
"$ARCA" service deploy sec --manifest "$T/sec.json" --node "$(addr 1)" >/dev/null 2>"$T/err"; rc=$?
for _ in $(seq 1 120); do [ "$(sstate 1 "['state']")" = running ] && break; sleep 0.5; done
rm -f "$T/clients.json" # what the nodes use came with the deployment
if [ $rc = 0 ] && [ "$(sstate 2 "['state']")" = running ] && [ "$(ask 1 "put s1 one")" = ok ] && [ "$(ask 2 "put s2 two")" = ok ] \
   && [ "$(ask 3 "get s1")" = "value one" ] && [ "$(ask 1 "get s2")" = "value two" ]
then ok "an RA-TLS port of a service (on $(sstate 1 "['node']")), its peer policy deployed with it: attested clients through every node's address"
else bad "an RA-TLS port of a service"; echo "    rc $rc, state $(sstate 2 "['state']")"; tail -3 "$T/ask.err"; fi
hello=$( ( exec 3<>"/dev/tcp/127.0.0.42/$SPORT" && printf 'get s1\n' >&3 && IFS= read -t 3 -r l <&3; echo "$l" ) 2>/dev/null)
out=$(ask 3 "get s1" impostor)
if [ "$hello" != kv ] && [ "$out" != "value one" ] && [ "$(ask 2 "get s1")" = "value one" ]
then ok "the same port refuses plaintext (no greeting: '$hello') and a program of another measurement ('$out')"
else bad "an RA-TLS service port refuses plaintext and other programs"; echo "    plaintext '$hello', impostor '$out'"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
