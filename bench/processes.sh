#!/usr/bin/env bash
# Processes in Arca against Linux, in one run: spawn+exit+wait latency (posix_spawn), pipe
# throughput in 64 KiB writes, and SQLite 3.40.1 speedtest1 (native gcc -O2, Node's WASI, Arca).
# Each figure is measured inside the program (so JVM start-up is not in it); medians of 3.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/target/bench/proc"
mkdir -p "$OUT"
for p in spawn pipe; do
  gcc -O2 -o "$OUT/$p" "$ROOT/bench/src/$p.c"
  "$ROOT/arca" cc -O2 -o "$OUT/$p.wasm" "$ROOT/bench/src/$p.c"
done
"$ROOT/ports/sqlite3/build.sh"
ARCA=("$ROOT/arca" run --dir "$OUT::/bin")
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
num() { grep -oE '[0-9]+(\.[0-9]+)?' | head -1; }
mbs() { grep -oE "[0-9]+ MB/s" | grep -oE "[0-9]+"; }

spawn_native=$(for i in 1 2 3; do "$OUT/spawn" 1000 | num; done | median)
spawn_arca=$(for i in 1 2 3; do "${ARCA[@]}" "$OUT/spawn.wasm" 1000 | num; done | median)
pipe_native=$(for i in 1 2 3; do "$OUT/pipe" 1024 | mbs; done | median)
pipe_arca=$(for i in 1 2 3; do "${ARCA[@]}" "$OUT/pipe.wasm" 1024 | mbs; done | median)

size=${SPEEDTEST_SIZE:-25}
BIN="$ROOT/target/ports/bin"
db=$(mktemp -d); trap 'rm -rf "$db"' EXIT
total() { grep TOTAL | grep -oE '[0-9]+\.[0-9]+' | head -1; }
sq_native=$(for i in 1 2 3; do rm -f "$db"/*; (cd "$db" && "$BIN/speedtest1" --size "$size" t.db) | total; done | median)
sq_node=$(for i in 1 2 3; do rm -f "$db"/*; node --no-warnings "$ROOT/bench/node-wasi.mjs" --dir "$db::/" "$BIN/speedtest1.wasm" --size "$size" t.db | total; done | median)
sq_arca=$(for i in 1 2 3; do rm -f "$db"/*; "$ROOT/arca" run --dir "$db::/" "$BIN/speedtest1.wasm" --size "$size" t.db | total; done | median)

r() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
echo "**Processes** — $(date -u '+%Y-%m-%d %H:%M UTC') — $(nproc) cores — \`bench/processes.sh\`, medians of 3, measured inside the programs"
echo
echo "| benchmark | Linux (native) | Arca | ratio |"
echo "|---|--:|--:|--:|"
echo "| spawn+exit+wait latency (µs) | $spawn_native | $spawn_arca | Linux/Arca $(r "$spawn_native" "$spawn_arca")x |"
echo "| pipe throughput, 64 KiB writes (MB/s) | $pipe_native | $pipe_arca | Arca/Linux $(r "$pipe_arca" "$pipe_native")x |"
echo
echo "| SQLite speedtest1 --size $size (s, speedtest1's TOTAL) | native | Node WASI | Arca | Arca/native | Arca/Node |"
echo "|---|--:|--:|--:|--:|--:|"
echo "| | $sq_native | $sq_node | $sq_arca | $(r "$sq_arca" "$sq_native") | $(r "$sq_arca" "$sq_node") |"
