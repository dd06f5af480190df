#!/usr/bin/env bash
# Encrypted file system vs plain hostfs, measured in the same run: sequential write and read
# (in 1 MiB and 64 KiB I/O), random 4 KiB read and write, timed inside the guest (start-up
# excluded), median of RUNS. Prints a Markdown table and writes bench/results/encfs.md.
#
# usage: bench/encfs.sh        env: BENCH_MIB (default 256), BENCH_RUNS (3), BENCH_OPS (20000)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
MIB=${BENCH_MIB:-256}
RUNS=${BENCH_RUNS:-3}
OPS=${BENCH_OPS:-20000}
ARCA=${ARCA:-./arca}
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
  if [ "$kind" = hostfs ]; then
    "$ARCA" run --dir "$WORK/dir::/" "$OUT/fsbench.wasm" /f "$MIB" "$chunk" "$OPS"
  else
    "$ARCA" run --volume "$WORK/vol::/" --key-file "$WORK/key" "$OUT/fsbench.wasm" /f "$MIB" "$chunk" "$OPS"
  fi
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A R
for chunk in 1024 64; do
  for kind in hostfs encfs; do
    : >"$OUT/$kind.$chunk"
    for i in $(seq "$RUNS"); do
      echo "bench: $kind ${chunk} KiB run $i/$RUNS" >&2
      run "$kind" "$chunk" >>"$OUT/$kind.$chunk"
    done
    for phase in seq-write seq-read rand-read-4k rand-write-4k; do
      R[$kind.$chunk.$phase]=$(awk -v p="$phase" '$1 == p {print $3}' "$OUT/$kind.$chunk" | median)
    done
  done
done

{
  echo "**Encrypted fs vs hostfs** — $(date -u '+%Y-%m-%d %H:%M UTC') — $(nproc) cores — \`bench/encfs.sh\`, ${MIB} MiB file, ${OPS} random ops, median of ${RUNS} runs, timed inside the guest"
  echo
  echo "| phase | I/O size | hostfs | encfs | encfs/hostfs |"
  echo "|---|---|--:|--:|--:|"
  for chunk in 1024 64; do
    for phase in seq-write seq-read; do
      h=${R[hostfs.$chunk.$phase]} e=${R[encfs.$chunk.$phase]}
      echo "| $phase (MB/s) | $chunk KiB | $h | $e | $(awk -v a="$e" -v b="$h" 'BEGIN {printf "%.2f", a/b}') |"
    done
  done
  for phase in rand-read-4k rand-write-4k; do
    h=${R[hostfs.1024.$phase]} e=${R[encfs.1024.$phase]}
    echo "| $phase (ops/s) | 4 KiB | $h | $e | $(awk -v a="$e" -v b="$h" 'BEGIN {printf "%.2f", a/b}') |"
  done
} | tee bench/results/encfs.md
