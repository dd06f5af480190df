#!/usr/bin/env bash
# Memory of a replicated volume's large writes (docs/cluster.md, "Commit"): peak RSS and wall time
# of one whole 'arca run' (JVM included, /usr/bin/time) against a 3-node cluster on loopback, for
#   - a write of MIB MiB in one write() and one fsync into a replicated volume (tests/cluster/append.c
#     --fill), against the same run on a local volume (the peer, same run);
#   - the first sending of a local volume of MIB MiB into the cluster (its first replicated mount,
#     the guest appending one line), against the same line appended to it as a local volume.
# A replicated write sends its blocks ahead of the fsync once 16 MiB wait, so what it holds beyond
# the guest's own memory is bounded. ARCA_BEFORE (optional): the launcher of another build, whose
# replicated rows run right after this build's, against a cluster of its own.
# usage: bench/replicated-memory.sh   env: MIB (256), ARCA_BEFORE. Writes bench/results/replicated-memory.md.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MIB=${MIB:-256}
RESULT=${RESULT:-$ROOT/bench/results/replicated-memory.md}
T=$(mktemp -d)
declare -a PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT
export ARCA_CONFIG_DIR="$T/config" ARCA_ATTESTATION_PROVIDER=sim
"$ROOT/arca" cc -O1 -o "$T/append.wasm" "$ROOT/tests/cluster/append.c"
head -c 32 /dev/urandom > "$T/key"
echo '{"allowSim": true}' > "$T/policy.json"
"$ROOT/arca" attest quote -o "$T/q" >/dev/null

# measure LABEL ARCA ARGS...: one run, its wall seconds and peak RSS (MB) as a table row
measure() {
  local label=$1 arca=$2; shift 2
  /usr/bin/time -f "%e %M" -o "$T/time" "$arca" run "$@" > "$T/out" 2> "$T/err" || { echo "run failed: $label" >&2; cat "$T/err" >&2; exit 1; }
  read -r secs kb < "$T/time"
  echo "| $label | $secs | $((kb / 1024)) |"
}

# cluster ARCA TAG: three nodes of that build at 127.0.0.6N, their client address in CLUSTER
cluster() {
  local arca=$1 tag=$2 base=$((20000 + RANDOM % 20000)) peers="" n
  for n in 1 2 3; do peers+="${peers:+,}n$n=127.0.0.6$n:$((base + n))"; done
  for n in 1 2 3; do
    "$arca" node start --id "n$n" --address "127.0.0.6$n" --raft-port $((base + n)) --peers "$peers" --data "$T/$tag-d$n" --policy "$T/policy.json" > "$T/$tag-n$n.log" 2>&1 &
    PIDS+=($!)
  done
  CLUSTER=127.0.0.61:$((base + 1))
  for _ in $(seq 1 60); do "$arca" cluster status --node "$CLUSTER" 2>/dev/null | grep -q '"leader" *: *"n' && return; sleep 1; done
  echo "no leader" >&2; exit 1
}

# rows ARCA TAG: the replicated rows of one build
rows() {
  local arca=$1 tag=$2
  cluster "$arca" "$tag"
  mkdir -p "$T/$tag-w" "$T/$tag-s"
  measure "$tag: replicated volume, $MIB MiB in one write and one fsync" "$arca" --cluster "$CLUSTER" --replicate --volume "$T/$tag-w/w.vol::/data" --key-file "$T/key" "$T/append.wasm" --fill $((MIB * 1024))
  "$ROOT/arca" run --volume "$T/$tag-s/s.vol::/data" --key-file "$T/key" "$T/append.wasm" --fill $((MIB * 1024)) > /dev/null
  measure "$tag: first sending of a local volume of $MIB MiB (the guest appends a line)" "$arca" --cluster "$CLUSTER" --replicate --volume "$T/$tag-s/s.vol::/data" --key-file "$T/key" "$T/append.wasm" line
}

{
  echo "## Replicated volumes: memory of large writes ($(date -u +%Y-%m-%d), \`bench/replicated-memory.sh\`, MIB=$MIB, 3 nodes on loopback, 2 cores)"
  echo
  echo "| one whole run (/usr/bin/time) | wall s | peak RSS MB |"
  echo "|---|--:|--:|"
  mkdir -p "$T/local"
  measure "local volume, $MIB MiB in one write and one fsync" "$ROOT/arca" --volume "$T/local/l.vol::/data" --key-file "$T/key" "$T/append.wasm" --fill $((MIB * 1024))
  measure "local volume of $MIB MiB, the guest appends a line" "$ROOT/arca" --volume "$T/local/l.vol::/data" --key-file "$T/key" "$T/append.wasm" line
  rows "$ROOT/arca" this
  [ -n "${ARCA_BEFORE:-}" ] && rows "$ARCA_BEFORE" before
  echo
  echo "The guest's own buffer is $MIB MiB in the write rows. Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
} | tee "$RESULT"
