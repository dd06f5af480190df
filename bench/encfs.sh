#!/usr/bin/env bash
# Encrypted file system vs plain hostfs, measured in the same run: sequential write and read of a
# BENCH_MIB file (in 1 MiB and 64 KiB I/O), random 4 KiB reads and writes, timed inside the guest
# (start-up excluded), median of RUNS. The kinds run alternately (run 1 of each, then run 2 of
# each, ...), so a machine whose load changes during the benchmark weighs on all of them alike.
# Prints a Markdown table and writes bench/results/encfs.md.
#
# usage: bench/encfs.sh        env: BENCH_MIB (default 256), BENCH_RUNS (3), BENCH_OPS (20000),
#   ARCA (the launcher, default ./arca), ARCA_BEFORE (optional: a launcher of another build, run
#   as a kind "before", to compare two builds of encfs in one run), BENCH_RESIDENT (default 1:
#   the encrypted runs also through a resident node, kind "resident": 'arca run --node DIR'
#   into a node this script starts once with 'arca node start --data DIR' and stops, its first
#   run untimed; 0 leaves it out)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
MIB=${BENCH_MIB:-256}
RUNS=${BENCH_RUNS:-3}
OPS=${BENCH_OPS:-20000}
ARCA=${ARCA:-./arca}
BEFORE=${ARCA_BEFORE:-}
OUT=target/bench-encfs
mkdir -p "$OUT" bench/results
clang-22 --target=wasm32-wasi --sysroot=/usr --no-wasm-opt -O2 bench/src/fsbench.c -o "$OUT/fsbench.wasm"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/arca-encfs-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
head -c 32 /dev/urandom >"$WORK/key"
export ARCA_STATE_DIR="$WORK/state"

# run KIND CHUNK_KIB: one run, prints the guest's four lines
run() {
  local kind=$1 chunk=$2
  rm -rf "$WORK/dir" "$WORK/vol"; mkdir -p "$WORK/dir"
  case $kind in
    hostfs) "$ARCA" run --dir "$WORK/dir::/" "$OUT/fsbench.wasm" /f "$MIB" "$chunk" "$OPS" ;;
    encfs) "$ARCA" run --volume "$WORK/vol::/" --key-file "$WORK/key" "$OUT/fsbench.wasm" /f "$MIB" "$chunk" "$OPS" ;;
    before) "$BEFORE" run --volume "$WORK/vol::/" --key-file "$WORK/key" "$OUT/fsbench.wasm" /f "$MIB" "$chunk" "$OPS" ;;
    resident) "$ARCA" run --node "$WORK/node" --volume "$WORK/vol::/" --key-file "$WORK/key" "$OUT/fsbench.wasm" /f "$MIB" "$chunk" "$OPS" ;;
  esac
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }

KINDS=(hostfs encfs)
[ -n "$BEFORE" ] && KINDS=(hostfs before encfs)
if [ "${BENCH_RESIDENT:-1}" = 1 ]; then
  source "$ROOT/bench/resident.sh"
  trap 'stop_resident; rm -rf "$WORK"' EXIT
  start_resident "$WORK/node" "$OUT/resident-node.log" "$ARCA" || { echo "bench: the resident node did not start ($OUT/resident-node.log)" >&2; exit 1; }
  KINDS+=(resident)
  run resident 1024 >/dev/null # untimed: the node compiles the program and the volume's paths
fi
declare -A R
for chunk in 1024 64; do
  for kind in "${KINDS[@]}"; do : >"$OUT/$kind.$chunk"; done
  for i in $(seq "$RUNS"); do
    for kind in "${KINDS[@]}"; do
      echo "bench: $kind ${chunk} KiB run $i/$RUNS" >&2
      run "$kind" "$chunk" >>"$OUT/$kind.$chunk"
    done
  done
  for kind in "${KINDS[@]}"; do
    for phase in seq-write seq-read rand-read-4k rand-write-4k; do
      R[$kind.$chunk.$phase]=$(awk -v p="$phase" '$1 == p {print $3}' "$OUT/$kind.$chunk" | median)
    done
  done
done

# row PHASE CHUNK SIZE_LABEL UNIT: each kind's median, then each kind against hostfs (and encfs against before)
row() {
  local phase=$1 chunk=$2 size=$3 unit=$4 k line
  line="| $phase ($unit) | $size"
  for k in "${KINDS[@]}"; do line+=" | ${R[$k.$chunk.$phase]}"; done
  for k in "${KINDS[@]}"; do [ "$k" = hostfs ] || line+=" | $(ratio "${R[$k.$chunk.$phase]}" "${R[hostfs.$chunk.$phase]}")"; done
  [ -n "$BEFORE" ] && line+=" | $(ratio "${R[encfs.$chunk.$phase]}" "${R[before.$chunk.$phase]}")"
  echo "$line |"
}

{
  echo "**Encrypted fs vs hostfs** — $(date -u '+%Y-%m-%d %H:%M UTC') — $(nproc) cores — \`bench/encfs.sh\`, ${MIB} MiB file, ${OPS} random ops, median of ${RUNS} alternating runs, timed inside the guest; hostfs, encfs (and before) are direct runs (\`arca run\`, a new JVM each), resident runs through a node (\`arca run --node\`) started once, after one untimed run"
  echo
  head="| phase | I/O size" rule="|---|---"
  for k in "${KINDS[@]}"; do head+=" | $k"; rule+="|--:"; done
  for k in "${KINDS[@]}"; do [ "$k" = hostfs ] || { head+=" | $k/hostfs"; rule+="|--:"; }; done
  [ -n "$BEFORE" ] && { head+=" | encfs/before"; rule+="|--:"; }
  echo "$head |"
  echo "$rule|"
  for chunk in 1024 64; do
    for phase in seq-write seq-read; do row "$phase" "$chunk" "$chunk KiB" "MB/s"; done
  done
  for chunk in 1024 64; do
    for phase in rand-read-4k rand-write-4k; do row "$phase" "$chunk" "4 KiB (after $chunk KiB run)" "ops/s"; done
  done
} | tee bench/results/encfs.md
