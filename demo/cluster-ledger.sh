#!/usr/bin/env bash
# The flagship demo (step 10 of ./arca demo, or on its own): a confidential ledger, demo/bank.c over
# SQLite (unmodified, built with 'arca cc'), runs as a service of a 3-node Arca cluster on loopback
# with its database on a replicated encrypted volume. A client posts transfers through every
# node's address; the node running the ledger is killed with kill -9 mid-stream; the ledger comes
# back on another node, and the balances equal every acknowledged transfer.
set -uo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
ARCA="$ROOT/arca"
OUT="$ROOT/target/demo"
if ! BUILT=$("$ROOT/demo/bank-build.sh" 2>/dev/null); then
  echo "(skipped: the SQLite source package could not be fetched here)"; exit 0
fi
T=$(mktemp -d)
export ARCA_CONFIG_DIR="$T/config" ARCA_ATTESTATION_PROVIDER=sim
declare -A PID
cleanup() { for p in "${PID[@]}"; do kill -9 "$p" 2>/dev/null; done; wait 2>/dev/null; if [ -n "${ARCA_DEMO_KEEP:-}" ]; then echo "(kept: $T)"; else rm -rf "$T"; fi; }
trap cleanup EXIT
BASE=$((20000 + RANDOM % 20000)); PORT=$((BASE + 10)); BROKER=$((BASE + 20))
addr() { echo "127.0.0.6$1:$((BASE + $1))"; }
show() { printf '$ %s\n' "$*" | sed "s#$T/##g; s#$ROOT/##g"; }
# where: "NODE STATE" of the ledger, asked of the first node that answers
where() { local s; for n in 1 2 3; do s=$("$ARCA" service status ledger --node "$(addr $n)" 2>/dev/null) && { echo "$s" | python3 -c 'import json,sys; s=json.load(sys.stdin); print((s["node"] or "-") + " " + s["state"])'; return; }; done; }
"$ARCA" attest quote -o "$T/q" >/dev/null 2>&1

echo '{"allowSim": true}' > "$T/nodes.json"
cp "$OUT/bank.wasm" "$T/"
cat > "$T/ledger.json" <<JSON
{"entry": "bank.wasm", "args": ["/data/bank.db", "$PORT"], "network": {"listen": [{"port": $PORT}]},
 "mounts": [{"type": "encfs", "source": "ledger.vol", "path": "/data", "replicated": true}]}
JSON
# the key broker releases the volume key to the ledger's measurement only, on whichever node it runs
m=$("$ARCA" measure --manifest "$T/ledger.json" | head -1)
echo "{\"allowedMeasurements\": [\"$m\"], \"allowSim\": true}" > "$T/ledger-only.json"
head -c 32 /dev/urandom > "$T/volume.key"
"$ARCA" keybroker serve --port "$BROKER" --key-file "$T/volume.key" --policy "$T/ledger-only.json" > "$T/broker.log" 2>&1 & PID[b]=$!
PEERS="n1=$(addr 1),n2=$(addr 2),n3=$(addr 3)"
for n in 1 2 3; do
  "$ARCA" node start --id "n$n" --address "127.0.0.6$n" --raft-port $((BASE + n)) --peers "$PEERS" --data "$T/n$n" --policy "$T/nodes.json" > "$T/n$n.log" 2>&1 &
  PID[$n]=$!
done
show "arca node start --id n1 --address 127.0.0.61 ... (and n2, n3: three JVMs, Raft over mutual RA-TLS)"
for n in 1 2 3; do for _ in $(seq 240); do (exec 3<>"/dev/tcp/127.0.0.6$n/$((BASE + n))") 2>/dev/null && break; sleep 0.5; done; done
show "arca service deploy ledger --manifest ledger.json --key-broker 127.0.0.1:$BROKER --node $(addr 1)"
"$ARCA" service deploy ledger --manifest "$T/ledger.json" --key-broker "127.0.0.1:$BROKER" --node "$(addr 1)" 2>&1
for _ in $(seq 240); do [ "$(where | cut -d' ' -f2)" = running ] && break; sleep 0.5; done
echo "the ledger runs on node $(where | cut -d' ' -f1); its port $PORT answers on every node's address:"
show "curl http://127.0.0.62:$PORT/balances"
curl -s --max-time 10 "http://127.0.0.62:$PORT/balances"

echo "a client posts 80 transfers through all three nodes; the ledger's node is killed with kill -9 after the 20th:"
: > "$T/acked"
"$ROOT/demo/bank-client.sh" post demo 80 "$T/acked" "127.0.0.61:$PORT" "127.0.0.62:$PORT" "127.0.0.63:$PORT" > "$T/client.out" 2>&1 & C=$!
for _ in $(seq 600); do [ "$(wc -l < "$T/acked")" -ge 20 ] && break; sleep 0.1; done
victim=$(where | cut -d' ' -f1)
show "kill -9 <node $victim>"
other=$(( ${victim#n} % 3 + 1 ))
{ kill -9 "${PID[${victim#n}]}"; wait "${PID[${victim#n}]}"; } 2>/dev/null; t0=$(date +%s%N)
# the old ledger is dead: the first answer through another node's address comes from its successor
for _ in $(seq 1200); do curl -sf --max-time 2 -o /dev/null "http://127.0.0.6$other:$PORT/balances" && break; sleep 0.05; done
t1=$(date +%s%N)
echo "the ledger answered again through n$other's address $(( (t1 - t0) / 1000000 )) ms after the kill, on node $(where | cut -d' ' -f1), with its replicated volume"
wait $C; rc=$?
echo "the client: $(tail -1 "$T/client.out")"
show "curl http://127.0.0.63:$PORT/balances"
curl -s --max-time 10 "http://127.0.0.63:$PORT/balances"
[ $rc = 0 ] && echo "every acknowledged transfer is in the ledger: 100% fund safety, shown" || echo "(the check failed: see above)"
echo "on the hosts, the ledger's volume is ciphertext: $(grep -c alice "$T"/n*/services/ledger/ledger.vol 2>/dev/null | awk -F: '{s+=$2} END {print s+0}') copies of 'alice' in its local files"
exit $rc
