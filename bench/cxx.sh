#!/usr/bin/env bash
# C++ in Arca against Linux, in one run:
#  - the cost of one throw+catch (bench/src/throw.cpp: thrown three calls down past a destructor in
#    each frame), timed inside the program: g++ -O2 natively, `arca c++ -O2` on Arca's compiler
#    and on Chicory's; medians of 3;
#  - LIBLINEAR 2.3.0's train (ports/liblinear) on its heart_scale repeated 200 times (54,000
#    rows), wall time of the whole process (start-up included; the start-up row is `train` with
#    no arguments, which prints its usage), natively, in Arca, on Chicory and under Node's WASI
#    where Node can load the module; medians of 3. The model files are compared with native.
# Prints a Markdown table. usage: bench/cxx.sh   (env: BENCH_THROWS, default 200000)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/target/bench/cxx"
mkdir -p "$OUT"
N=${BENCH_THROWS:-200000}
g++ -O2 -o "$OUT/throw" "$ROOT/bench/src/throw.cpp"
"$ROOT/arca" c++ -O2 -o "$OUT/throw.wasm" "$ROOT/bench/src/throw.cpp"
"$ROOT/ports/liblinear/build.sh"
BIN="$ROOT/target/ports/bin"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
num() { grep -oE '[0-9]+(\.[0-9]+)?' | head -1; }
r() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

t_native=$(for i in 1 2 3; do "$OUT/throw" "$N" | num; done | median)
t_arca=$(for i in 1 2 3; do "$ROOT/arca" run "$OUT/throw.wasm" "$N" | num; done | median)
t_chicory=$(for i in 1 2 3; do "$ROOT/arca" run --engine chicory "$OUT/throw.wasm" "$N" | num; done | median)

data=$(ls "$ROOT"/target/ports/liblinear/liblinear-*/heart_scale | head -1)
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
mkdir -p "$W/n" "$W/a" "$W/c" "$W/o"
for i in $(seq 200); do cat "$data"; done > "$W/n/big"
for d in a c o; do cp "$W/n/big" "$W/$d/big"; done
# secs CMD...: wall seconds of one run (its output discarded)
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); awk -v s="$s" -v e="$e" 'BEGIN {printf "%.2f\n", e - s}'; }
node_ok=1
node --no-warnings "$ROOT/bench/node-wasi.mjs" "$BIN/liblinear-train.wasm" >/dev/null 2>"$W/node.err" || true
if grep -q "CompileError" "$W/node.err"; then node_ok=0; fi
node_why=$(grep -oE 'CompileError[^@]*' "$W/node.err" | head -1 || true)
declare -A T
for solver in "" "-s 0"; do
  # shellcheck disable=SC2086
  T[$solver,native]=$(for i in 1 2 3; do (cd "$W/n" && secs "$BIN/liblinear-train" $solver big m); done | median)
  T[$solver,arca]=$(for i in 1 2 3; do secs "$ROOT/arca" run --dir "$W/a::/" "$BIN/liblinear-train.wasm" $solver big m; done | median)
  T[$solver,chicory]=$(for i in 1 2 3; do secs "$ROOT/arca" run --engine chicory --dir "$W/c::/" "$BIN/liblinear-train.wasm" $solver big m; done | median)
  if [ "$node_ok" = 1 ]; then
    T[$solver,node]=$(for i in 1 2 3; do secs node --no-warnings "$ROOT/bench/node-wasi.mjs" --dir "$W/o::/" "$BIN/liblinear-train.wasm" $solver big m; done | median)
  fi
  same=yes
  cmp -s "$W/n/m" "$W/a/m" && cmp -s "$W/n/m" "$W/c/m" || same=NO
  T[$solver,same]=$same
done
s_native=$(for i in 1 2 3; do secs "$BIN/liblinear-train"; done | median)
s_arca=$(for i in 1 2 3; do secs "$ROOT/arca" run "$BIN/liblinear-train.wasm"; done | median)
s_chicory=$(for i in 1 2 3; do secs "$ROOT/arca" run --engine chicory "$BIN/liblinear-train.wasm"; done | median)

echo "**C++** — $(date -u '+%Y-%m-%d %H:%M UTC') — $(nproc) cores — \`bench/cxx.sh\`, medians of 3"
echo
echo "| throw+catch, 3 frames deep, $N times (ns each, timed inside the program) | native g++ -O2 | Arca | Chicory | Arca/native | Chicory/native |"
echo "|---|--:|--:|--:|--:|--:|"
echo "| | $t_native | $t_arca | $t_chicory | $(r "$t_arca" "$t_native") | $(r "$t_chicory" "$t_native") |"
echo
nodecol() { if [ "$node_ok" = 1 ]; then echo "${T[$1,node]}"; else echo "n/a"; fi; }
echo "| LIBLINEAR train, heart_scale ×200 (s, wall, start-up included) | native | Arca | Chicory | Node WASI | Arca/native | model = native |"
echo "|---|--:|--:|--:|--:|--:|:-:|"
echo "| default solver (-s 1) | ${T[,native]} | ${T[,arca]} | ${T[,chicory]} | $(nodecol "") | $(r "${T[,arca]}" "${T[,native]}") | ${T[,same]} |"
echo "| -s 0 (logistic regression) | ${T[-s 0,native]} | ${T[-s 0,arca]} | ${T[-s 0,chicory]} | $(nodecol "-s 0") | $(r "${T[-s 0,arca]}" "${T[-s 0,native]}") | ${T[-s 0,same]} |"
echo "| start-up: train with no arguments | $s_native | $s_arca | $s_chicory | | | |"
if [ "$node_ok" = 0 ]; then
  echo
  echo "Node $(node --version) cannot load the module: \`${node_why}\` (C++ exceptions use the final exception-handling proposal, exnref, which Node 20 does not have)."
fi
