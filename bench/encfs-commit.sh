#!/usr/bin/env bash
# Commits that make each change durable before it returns (the default `--commit names`): the rate
# of creates (bench/src/fscreate.c: FILES empty files in DIRS directories, each create a commit)
# and the latency of a 4 KiB write + fsync (bench/src/commit.c, COMMITS of them), on an encrypted
# volume, timed inside the guest; this build against ARCA_BEFORE (another build's launcher, e.g.
# a clone of an older commit) in alternating runs, since only runs taken in turns compare on this
# shared machine. With BIG_VOLUME and BIG_KEY (an existing volume, e.g. one of 1,000,000 files
# made by bench/encfs-scale.sh, and its key file) it also times BIG_FILES creates in a copy of it
# (into /d0000, which must exist), each run on a fresh copy.
# Usage: ARCA_BEFORE=/path/to/arca [RUNS=5 FILES=2000 DIRS=100 COMMITS=500] bench/encfs-commit.sh
# Writes bench/results/encfs-commit.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ARCA=${ARCA:-$ROOT/arca}
: "${ARCA_BEFORE:?set ARCA_BEFORE to the launcher of the build to compare with}"
RUNS=${RUNS:-5} FILES=${FILES:-2000} DIRS=${DIRS:-100} COMMITS=${COMMITS:-500} BIG_FILES=${BIG_FILES:-1000}
OUT=$ROOT/target/bench-encfs-commit
WORK=$(mktemp -d "${TMPDIR:-/tmp}/arca-encfs-commit.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT" bench/results
"$ARCA" cc -O2 -o "$OUT/fscreate.wasm" bench/src/fscreate.c
"$ARCA" cc -O2 -o "$OUT/commit.wasm" bench/src/commit.c
head -c 32 /dev/urandom >"$WORK/key"

# one measurement: BUILD (before|after) KIND (create|commit|big); prints the guest's figure
one() {
  local launcher=$ARCA; [ "$1" = before ] && launcher=$ARCA_BEFORE
  rm -rf "$WORK/vol" "$WORK/state" "$WORK/big.vol"
  case $2 in
    create) ARCA_STATE_DIR=$WORK/state "$launcher" run --volume "$WORK/vol::/" --key-file "$WORK/key" \
              "$OUT/fscreate.wasm" / "$FILES" "$DIRS" create | awk '{print $3}' ;;
    commit) ARCA_STATE_DIR=$WORK/state "$launcher" run --volume "$WORK/vol::/data" --key-file "$WORK/key" \
              "$OUT/commit.wasm" latency "$COMMITS" /data/f | awk '{print $4, $6}' ;;
    big)    cp "$BIG_VOLUME" "$WORK/big.vol"
            ARCA_STATE_DIR=$WORK/state "$launcher" run --volume "$WORK/big.vol::/" --key-file "$BIG_KEY" \
              "$OUT/fscreate.wasm" /d0000 "$BIG_FILES" 5 create | awk '{print $3}' ;;
  esac
}
KINDS=(create commit); [ -n "${BIG_VOLUME:-}" ] && KINDS+=(big)
: >"$OUT/raw"
for r in $(seq "$RUNS"); do
  for k in "${KINDS[@]}"; do
    for b in before after; do
      echo "bench: run $r/$RUNS $k $b" >&2
      echo "$k $b $(one "$b" "$k")" >>"$OUT/raw"
    done
  done
done
median() { sort -n | awk '{v[NR]=$1} END {if (NR) print v[int((NR+1)/2)]; else print "-"}'; }
col() { awk -v k="$1" -v b="$2" -v c="$3" '$1 == k && $2 == b {print $c}' "$OUT/raw" | median; }
runs() { awk -v k="$1" -v b="$2" -v c="$3" '$1 == k && $2 == b {printf "%s ", $c}' "$OUT/raw"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
{
  echo "**Durable commits on an encrypted volume** — $(date -u '+%Y-%m-%d %H:%M UTC') — $(nproc) cores — \`ARCA_BEFORE=$ARCA_BEFORE RUNS=$RUNS FILES=$FILES DIRS=$DIRS COMMITS=$COMMITS${BIG_VOLUME:+ BIG_VOLUME=… BIG_FILES=$BIG_FILES} bench/encfs-commit.sh\` (this build: $(git rev-parse --short HEAD)), medians of $RUNS alternating runs, timed inside the guest"
  echo
  echo "| measure | before | this build | this/before |"
  echo "|---|--:|--:|--:|"
  b=$(col create before 3); a=$(col create after 3)
  echo "| create, $FILES files in $DIRS directories (files/s) | $b | $a | $(ratio "$a" "$b") |"
  b=$(col commit before 3); a=$(col commit after 3)
  echo "| 4 KiB write + fsync, median of $COMMITS (µs) | $b | $a | $(ratio "$a" "$b") |"
  b=$(col commit before 4); a=$(col commit after 4)
  echo "| 4 KiB write + fsync, p99 (µs) | $b | $a | $(ratio "$a" "$b") |"
  if [ -n "${BIG_VOLUME:-}" ]; then
    b=$(col big before 3); a=$(col big after 3)
    echo "| create, $BIG_FILES files in a copy of BIG_VOLUME (files/s) | $b | $a | $(ratio "$a" "$b") |"
  fi
  echo
  echo "(every run, before / this build — create: $(runs create before 3)/ $(runs create after 3); commit median µs: $(runs commit before 3)/ $(runs commit after 3)${BIG_VOLUME:+; big volume create: $(runs big before 3)/ $(runs big after 3)})"
} | tee bench/results/encfs-commit.md
