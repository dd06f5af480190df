#!/usr/bin/env bash
# `arca image build` against copying the same tree with the host's tools: a tree of FILES files of
# FILE_MIB MiB of random bytes (1 GiB by default), packed into an image by `arca image build` and
# copied by `cp -r` followed by `sync` (what "at disk speed" is measured against: both end with the
# data on the disk), whole processes, alternating run by run, median of RUNS. ARCA_BEFORE (another
# build's launcher) adds a third kind. Every build of the tree must print the same root hash.
# Usage: [RUNS=5 FILES=256 FILE_MIB=4 ARCA_BEFORE=/path/to/arca] bench/image.sh
# Writes bench/results/image.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ARCA=${ARCA:-$ROOT/arca}
BEFORE=${ARCA_BEFORE:-}
RUNS=${RUNS:-5} FILES=${FILES:-256} FILE_MIB=${FILE_MIB:-4}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/arca-image-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p bench/results "$WORK/tree"
for i in $(seq 1 "$FILES"); do head -c $((FILE_MIB << 20)) /dev/urandom >"$WORK/tree/f$i"; done
sync

now() { date +%s.%N; }
# one KIND: prints the seconds it took
one() {
  local t0 t1
  rm -rf "$WORK/copy" "$WORK/img"
  sync
  t0=$(now)
  case $1 in
    cp) cp -r "$WORK/tree" "$WORK/copy" && sync ;;
    arca) "$ARCA" image build "$WORK/tree" "$WORK/img" >"$WORK/hash.arca" 2>/dev/null ;;
    before) "$BEFORE" image build "$WORK/tree" "$WORK/img" >"$WORK/hash.before" 2>/dev/null ;;
  esac
  t1=$(now)
  [ "$1" = cp ] || { [ -z "${HASH:-}" ] && HASH=$(cat "$WORK/hash.$1"); [ "$(cat "$WORK/hash.$1")" = "$HASH" ] || { echo "bench: $1 built another root hash" >&2; exit 1; }; }
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", b - a}'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
KINDS=(cp arca); [ -n "$BEFORE" ] && KINDS=(cp before arca)
declare -A T
for k in "${KINDS[@]}"; do : >"$WORK/t.$k"; done
for i in $(seq "$RUNS"); do
  for k in "${KINDS[@]}"; do
    echo "bench: $k run $i/$RUNS" >&2
    one "$k" >>"$WORK/t.$k"
  done
done
for k in "${KINDS[@]}"; do T[$k]=$(median <"$WORK/t.$k"); done
MIB=$((FILES * FILE_MIB))
{
  echo "**Image build vs cp** — $(date -u '+%Y-%m-%d %H:%M UTC') — $(nproc) cores — \`bench/image.sh\`, a tree of $FILES files of $FILE_MIB MiB of random bytes ($MIB MiB), whole processes, median of $RUNS alternating runs; cp = \`cp -r\` then \`sync\`"
  echo
  echo "| kind | seconds | MB/s | against cp | every run (s) |"
  echo "|---|--:|--:|--:|---|"
  for k in "${KINDS[@]}"; do
    awk -v k="$k" -v t="${T[$k]}" -v c="${T[cp]}" -v m="$MIB" -v all="$(tr '\n' ' ' <"$WORK/t.$k")" \
      'BEGIN {printf "| %s | %.2f | %.0f | %.2fx | %s|\n", k, t, m * 1048576 / t / 1e6, t / c, all}'
  done
  echo
  echo "root hash: $HASH"
} | tee bench/results/image.md
