#!/usr/bin/env bash
# Processes in Arca against Linux, in one run: spawn+exit+wait latency (posix_spawn), pipe
# throughput in 64 KiB writes, and SQLite 3.40.1 speedtest1 (native gcc -O2, Node's WASI, Arca).
# Each figure is measured inside the program (so JVM start-up is not in it); medians of RUNS
# (default 3) runs, native and Arca taking turns. SPEEDTEST_SIZE=0 leaves SQLite out. Spawn is
# measured twice: 1,000 spawns (the JVM's JIT compiles the spawn path meanwhile) and 10,000 in a
# row (mostly compiled). BENCH_RESIDENT (default 1) also runs spawn and pipe through a resident
# node (`arca run --node DIR`, a node this script starts once and stops), after one untimed run of
# each; 0 leaves that column out.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/target/bench/proc"
mkdir -p "$OUT"
for p in spawn pipe; do
  gcc -O2 -o "$OUT/$p" "$ROOT/bench/src/$p.c"
  "$ROOT/arca" cc -O2 -o "$OUT/$p.wasm" "$ROOT/bench/src/$p.c"
done
size=${SPEEDTEST_SIZE:-25}
runs=${RUNS:-3}
[ "$size" = 0 ] || "$ROOT/ports/sqlite3/build.sh"
ARCA=("$ROOT/arca" run --dir "$OUT::/bin")
RESIDENT=${BENCH_RESIDENT:-1}
NODE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/arca-proc-node.XXXXXX")
source "$ROOT/bench/resident.sh"
trap 'stop_resident; rm -rf "$NODE_DIR" "${db:-}"' EXIT
if [ "$RESIDENT" = 1 ]; then
  start_resident "$NODE_DIR/node" "$OUT/resident-node.log" "$ROOT/arca" || { echo "processes.sh: the resident node did not start ($OUT/resident-node.log)" >&2; exit 1; }
  RES=("$ROOT/arca" run --node "$NODE_DIR/node" --dir "$OUT::/bin")
  "${RES[@]}" "$OUT/spawn.wasm" 1000 >/dev/null # untimed: the node compiles the program and the spawn path
  "${RES[@]}" "$OUT/pipe.wasm" 1024 >/dev/null
fi
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
num() { grep -oE '[0-9]+(\.[0-9]+)?' | head -1; }
mbs() { grep -oE "[0-9]+ MB/s" | grep -oE "[0-9]+"; }

# native and Arca alternate, so that a change in the machine's load falls on both
: >"$OUT/spawn.native"; : >"$OUT/spawn.arca"; : >"$OUT/pipe.native"; : >"$OUT/pipe.arca"
: >"$OUT/spawn10k.native"; : >"$OUT/spawn10k.arca"
: >"$OUT/spawn.resident"; : >"$OUT/spawn10k.resident"; : >"$OUT/pipe.resident"
for i in $(seq "$runs"); do
  "$OUT/spawn" 1000 | num >>"$OUT/spawn.native"
  "${ARCA[@]}" "$OUT/spawn.wasm" 1000 | num >>"$OUT/spawn.arca"
  "$OUT/spawn" 10000 | num >>"$OUT/spawn10k.native"
  "${ARCA[@]}" "$OUT/spawn.wasm" 10000 | num >>"$OUT/spawn10k.arca"
  "$OUT/pipe" 1024 | mbs >>"$OUT/pipe.native"
  "${ARCA[@]}" "$OUT/pipe.wasm" 1024 | mbs >>"$OUT/pipe.arca"
  if [ "$RESIDENT" = 1 ]; then
    "${RES[@]}" "$OUT/spawn.wasm" 1000 | num >>"$OUT/spawn.resident"
    "${RES[@]}" "$OUT/spawn.wasm" 10000 | num >>"$OUT/spawn10k.resident"
    "${RES[@]}" "$OUT/pipe.wasm" 1024 | mbs >>"$OUT/pipe.resident"
  fi
done
spawn_native=$(median <"$OUT/spawn.native"); spawn_arca=$(median <"$OUT/spawn.arca")
spawn10k_native=$(median <"$OUT/spawn10k.native"); spawn10k_arca=$(median <"$OUT/spawn10k.arca")
pipe_native=$(median <"$OUT/pipe.native"); pipe_arca=$(median <"$OUT/pipe.arca")
spawn_res=n/a spawn10k_res=n/a pipe_res=n/a
if [ "$RESIDENT" = 1 ]; then
  spawn_res=$(median <"$OUT/spawn.resident"); spawn10k_res=$(median <"$OUT/spawn10k.resident"); pipe_res=$(median <"$OUT/pipe.resident")
fi

BIN="$ROOT/target/ports/bin"
db=$(mktemp -d)
total() { grep TOTAL | grep -oE '[0-9]+\.[0-9]+' | head -1; }
if [ "$size" != 0 ]; then
sq_native=$(for i in 1 2 3; do rm -f "$db"/*; (cd "$db" && "$BIN/speedtest1" --size "$size" t.db) | total; done | median)
sq_node=$(for i in 1 2 3; do rm -f "$db"/*; node --no-warnings "$ROOT/bench/node-wasi.mjs" --dir "$db::/" "$BIN/speedtest1.wasm" --size "$size" t.db | total; done | median)
sq_arca=$(for i in 1 2 3; do rm -f "$db"/*; "$ROOT/arca" run --dir "$db::/" "$BIN/speedtest1.wasm" --size "$size" t.db | total; done | median)
fi

r() { case "$1$2" in *n/a*) echo n/a ;; *) awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}' ;; esac; }
# the table, printed and written to bench/results/processes.md
table() {
echo "**Processes** — $(date -u '+%Y-%m-%d %H:%M UTC') — $(nproc) cores — \`bench/processes.sh\`, medians of $runs, measured inside the programs"
echo
echo "| benchmark | Linux (native) | Arca | Arca resident | ratio | ratio, resident |"
echo "|---|--:|--:|--:|--:|--:|"
echo "| spawn+exit+wait latency (µs), mean of 1,000 | $spawn_native | $spawn_arca | $spawn_res | Linux/Arca $(r "$spawn_native" "$spawn_arca")x | Linux/Arca $(r "$spawn_native" "$spawn_res")x |"
echo "| spawn+exit+wait latency (µs), mean of 10,000 | $spawn10k_native | $spawn10k_arca | $spawn10k_res | Linux/Arca $(r "$spawn10k_native" "$spawn10k_arca")x | Linux/Arca $(r "$spawn10k_native" "$spawn10k_res")x |"
echo "| pipe throughput, 64 KiB writes (MB/s) | $pipe_native | $pipe_arca | $pipe_res | Arca/Linux $(r "$pipe_arca" "$pipe_native")x | Arca/Linux $(r "$pipe_res" "$pipe_native")x |"
echo "(runs, native / Arca / resident: spawn µs $(paste -sd' ' "$OUT/spawn.native") / $(paste -sd' ' "$OUT/spawn.arca") / $(paste -sd' ' "$OUT/spawn.resident"); 10,000: $(paste -sd' ' "$OUT/spawn10k.native") / $(paste -sd' ' "$OUT/spawn10k.arca") / $(paste -sd' ' "$OUT/spawn10k.resident"); pipe MB/s $(paste -sd' ' "$OUT/pipe.native") / $(paste -sd' ' "$OUT/pipe.arca") / $(paste -sd' ' "$OUT/pipe.resident"); resident: \`arca run --node\` into a node started once, after one untimed run of each program)"
[ "$size" = 0 ] && return 0
echo
echo "| SQLite speedtest1 --size $size (s, speedtest1's TOTAL) | native | Node WASI | Arca | Arca/native | Arca/Node |"
echo "|---|--:|--:|--:|--:|--:|"
echo "| | $sq_native | $sq_node | $sq_arca | $(r "$sq_arca" "$sq_native") | $(r "$sq_arca" "$sq_node") |"
}
table | tee "$ROOT/bench/results/processes.md"
