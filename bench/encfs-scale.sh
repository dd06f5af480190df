#!/usr/bin/env bash
# Metadata at scale: FILES empty files in DIRS directories made, looked up (FILES stats of files
# drawn at random, fixed seed, with replacement) and removed by one guest program (bench/src/fscreate.c, timed inside the guest), on a host
# directory (hostfs) and on an encrypted volume with each commit setting (`--commit names`, the
# default: every create and unlink is a commit; `--commit fsync`: commits at fsync and within 1 s),
# run alternately, median of RUNS. Also, for the full tree: the whole process of a run that stats
# one file (start-up and the volume's mount included), the peak RSS of the lookup run, and the
# disk space the host gives the tree (du) before and after the unlinks. Prints a Markdown table and writes
# bench/results/encfs-scale.md.
#
# usage: bench/encfs-scale.sh    env: FILES (default 20000), DIRS (1000), RUNS (3), ARCA (./arca),
#   KINDS (default "hostfs encfs-fsync encfs-names"; encfs-names makes one commit per create,
#   about 1,000 a second on this machine's disk: leave it out for large FILES; encfs-fsync-cache
#   is encfs-fsync with --block-cache BLOCK_CACHE, default 256MiB; a kind ending in -before, e.g.
#   encfs-fsync-before, runs as the kind without it through the launcher ARCA_BEFORE, another
#   build measured in the same run), RESULT (the file the table goes to, default
#   bench/results/encfs-scale.md)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
FILES=${FILES:-20000}
DIRS=${DIRS:-1000}
RUNS=${RUNS:-3}
ARCA=${ARCA:-./arca}
read -r -a KINDS <<<"${KINDS:-hostfs encfs-fsync encfs-names}"
OUT=target/bench-encfs-scale
mkdir -p "$OUT" bench/results
clang-22 --target=wasm32-wasi --sysroot=/usr --no-wasm-opt -O2 bench/src/fscreate.c -o "$OUT/fscreate.wasm" 2>/dev/null
WORK=$(mktemp -d "${TMPDIR:-/tmp}/arca-encfs-scale.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
head -c 32 /dev/urandom >"$WORK/key"
export ARCA_STATE_DIR="$WORK/state"

# mounts KIND: the run flags of a kind
mounts() {
  case ${1%-before} in
    hostfs) echo "--dir $WORK/dir::/" ;;
    encfs-fsync) echo "--volume $WORK/vol::/ --key-file $WORK/key --commit fsync" ;;
    encfs-names) echo "--volume $WORK/vol::/ --key-file $WORK/key --commit names" ;;
    encfs-fsync-cache) echo "--volume $WORK/vol::/ --key-file $WORK/key --commit fsync --block-cache ${BLOCK_CACHE:-256MiB}" ;;
  esac
}
# launcher KIND: the build that runs a kind
launcher() { case $1 in *-before) echo "${ARCA_BEFORE:?a kind ending in -before needs ARCA_BEFORE}" ;; *) echo "$ARCA" ;; esac; }
# guest KIND PHASE: one phase, prints the guest's line
guest() { $(launcher "$1") run $(mounts "$1") "$OUT/fscreate.wasm" / "$FILES" "$DIRS" "$2"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
now() { date +%s.%N; }

declare -A R
for k in "${KINDS[@]}"; do : >"$OUT/$k"; done
for i in $(seq "$RUNS"); do
  for k in "${KINDS[@]}"; do
    echo "bench: $k run $i/$RUNS ($FILES files in $DIRS directories)" >&2
    rm -rf "$WORK/dir" "$WORK/vol"; mkdir -p "$WORK/dir"
    guest "$k" create >>"$OUT/$k"
    # the whole process of a run that stats one file: start-up plus the mount of the whole tree
    t0=$(now); $(launcher "$k") run $(mounts "$k") "$OUT/fscreate.wasm" / 1 "$DIRS" lookup >/dev/null; t1=$(now)
    echo "open-stat1 $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b-a}') 0" >>"$OUT/$k"
    /usr/bin/time -f "rss-kb %M" -o "$OUT/rss" $(launcher "$k") run $(mounts "$k") "$OUT/fscreate.wasm" / "$FILES" "$DIRS" lookup >>"$OUT/$k"
    echo "$(cat "$OUT/rss") 0" >>"$OUT/$k"
    size=$( [ "$k" = hostfs ] && du -sk "$WORK/dir" | cut -f1 || du -k "$WORK/vol" | cut -f1 )
    echo "size-kb $size 0" >>"$OUT/$k"
    guest "$k" unlink >>"$OUT/$k"
    size=$( [ "$k" = hostfs ] && du -sk "$WORK/dir" | cut -f1 || du -k "$WORK/vol" | cut -f1 )
    echo "size-after-kb $size 0" >>"$OUT/$k"
  done
done
for k in "${KINDS[@]}"; do
  for p in create lookup unlink; do R[$k.$p]=$(awk -v p="$p" '$1 == p {print $3}' "$OUT/$k" | median); done
  for p in open-stat1 rss-kb size-kb size-after-kb; do R[$k.$p]=$(awk -v p="$p" '$1 == p {print $2}' "$OUT/$k" | median); done
done

{
  echo "**Encrypted fs metadata at scale** — $(date -u '+%Y-%m-%d %H:%M UTC') — $(nproc) cores — \`FILES=$FILES DIRS=$DIRS RUNS=$RUNS KINDS=\"${KINDS[*]}\" bench/encfs-scale.sh\`, median of $RUNS alternating runs, ops/s timed inside the guest"
  echo
  printf '| measure |'; for k in "${KINDS[@]}"; do printf ' %s |' "$k"; done
  for k in "${KINDS[@]}"; do [ "$k" = hostfs ] || printf ' %s/hostfs |' "$k"; done; echo
  printf '|---|'; for k in "${KINDS[@]}"; do printf -- '--:|'; done
  for k in "${KINDS[@]}"; do [ "$k" = hostfs ] || printf -- '--:|'; done; echo
  for p in create lookup unlink open-stat1 rss-kb size-kb size-after-kb; do
    case $p in
      create) label="create (files/s)" ;; lookup) label="stat, random draws (files/s)" ;; unlink) label="unlink (files/s)" ;;
      open-stat1) label="a run that stats one file, whole process (s)" ;; rss-kb) label="peak RSS of the stat run (KiB)" ;;
      size-kb) label="disk space on the host before unlink (KiB, du)" ;; size-after-kb) label="disk space on the host after unlink (KiB, du)" ;;
    esac
    printf '| %s |' "$label"
    for k in "${KINDS[@]}"; do printf ' %s |' "${R[$k.$p]}"; done
    for k in "${KINDS[@]}"; do [ "$k" = hostfs ] || printf ' %s |' "$(ratio "${R[$k.$p]}" "${R[hostfs.$p]}")"; done
    echo
  done
} | tee "${RESULT:-bench/results/encfs-scale.md}"
