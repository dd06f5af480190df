#!/usr/bin/env bash
# QuantLib 1.29 in Arca against Linux, in one run:
#  - its shipped examples (ports/quantlib: g++ -O2 natively, 'arca c++ -O2' for Arca), whole-process
#    wall time and CPU time (user+sys; in Arca the JIT's compiler threads count too), start-up
#    included, medians of RUNS: natively, in Arca with a warm compiled-module cache, in Arca's
#    first run of the module (cache emptied: the module is translated to JVM classes in that run,
#    one run), and under Node's WASI where Node can load the module. Every Arca run's output is
#    compared with the native program's on glibc's baseline code paths (no FMA: see
#    tests/ports/quantlib.sh); a mismatch stops the script. The native times are glibc's default
#    (FMA) paths, as a user runs it;
#  - the cost of one throw+catch (bench/src/throw.cpp, thrown three calls down past a destructor
#    in each frame), timed inside the program, g++ -O2 natively and 'arca c++ -O2' in Arca, medians
#    of RUNS.
# Needs QuantLib's build cache (ports/quantlib/build.sh). Prints a Markdown table and writes it to
# bench/results/quantlib.md.   usage: bench/quantlib.sh   (env: RUNS, default 3; QL_EXAMPLES)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/target/bench/quantlib"
RUNS=${RUNS:-3}
# the examples tests/ports/quantlib.sh compares exactly, less the shortest and DiscreteHedging
# (seeded by the clock)
EXAMPLES=(${QL_EXAMPLES:-EquityOption Bonds BermudanSwaption FRA MulticurveBootstrapping CallableBonds CDS
  ConvertibleBonds LatentModel})
if ! QL=$("$ROOT/ports/quantlib/cache.sh"); then
  echo "bench/quantlib.sh: QuantLib is not built for this toolchain; build it first with ports/quantlib/build.sh (about 65 CPU-minutes: an hour or more on 2 cores)" >&2
  exit 1
fi
mkdir -p "$OUT/cache" "$OUT/cold"
export ARCA_CACHE_DIR="$OUT/cache"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

g++ -O2 -o "$OUT/throw" "$ROOT/bench/src/throw.cpp"
"$ROOT/arca" c++ -O2 -o "$OUT/throw.wasm" "$ROOT/bench/src/throw.cpp"
for e in "${EXAMPLES[@]}"; do
  # shellcheck disable=SC2046
  "$ROOT/arca" c++ -O2 -o "$OUT/$e.wasm" "$QL/wasm/obj/$e.o" $(cat "$QL/wasm/libs") 2>"$OUT/link.log" ||
    { cat "$OUT/link.log" >&2; exit 1; }
done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
r() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
# timed CMD...: "WALL CPU" in seconds for one run, its output to $OUT/last.out
timed() {
  local t
  t=$( { TIMEFORMAT='%R %U %S'; time "$@" >"$OUT/last.out" 2>&1; } 2>&1 ) || { echo "failed: $*" >&2; cat "$OUT/last.out" >&2; exit 1; }
  echo "$t" | awk '{printf "%.3f %.3f\n", $1, $2 + $3}'
}
# med KIND CMD...: medians of RUNS runs, "WALL CPU"; each output must be the reference's (but
# natively, and for the start-up rows, whose program prints a timing)
med() {
  local kind=$1; shift
  local -a walls=() cpus=()
  for _ in $(seq "$RUNS"); do
    read -r w c < <(timed "$@")
    [ "$kind" = native ] || [ "$kind" = start-up ] || cmp -s "$OUT/last.out" "$OUT/native.out" ||
      { echo "OUTPUT MISMATCH ($kind): $*" >&2; diff "$OUT/native.out" "$OUT/last.out" | head >&2; exit 1; }
    walls+=("$w"); cpus+=("$c")
  done
  echo "$(printf '%s\n' "${walls[@]}" | median) $(printf '%s\n' "${cpus[@]}" | median)"
}

node_ok=1 node_why=
node --no-warnings "$ROOT/bench/node-wasi.mjs" "$OUT/${EXAMPLES[0]}.wasm" >/dev/null 2>"$OUT/node.err" || true
if grep -q "CompileError" "$OUT/node.err"; then node_ok=0; node_why=$(grep -oE 'CompileError[^@]*' "$OUT/node.err" | head -1); fi

rows=()
for e in "${EXAMPLES[@]}"; do
  GLIBC_TUNABLES=glibc.cpu.hwcaps=-FMA,-FMA4 "$QL/native/bin/$e" >"$OUT/native.out" 2>&1
  read -r nw nc < <(med native "$QL/native/bin/$e")
  rm -rf "$OUT/cold" && mkdir -p "$OUT/cold"
  read -r cw cc < <(ARCA_CACHE_DIR="$OUT/cold" timed "$ROOT/arca" run "$OUT/$e.wasm")
  cmp -s "$OUT/last.out" "$OUT/native.out" || { echo "OUTPUT MISMATCH (arca, first run): $e" >&2; exit 1; }
  "$ROOT/arca" run "$OUT/$e.wasm" >/dev/null 2>&1   # the warm cache
  read -r aw ac < <(med arca "$ROOT/arca" run "$OUT/$e.wasm")
  node="n/a"
  if [ "$node_ok" = 1 ]; then read -r ow _ < <(med node node --no-warnings "$ROOT/bench/node-wasi.mjs" "$OUT/$e.wasm"); node=$ow; fi
  kb=$(( $(stat -c %s "$OUT/$e.wasm") / 1024 ))
  rows+=("| $e | $kb | $nw | $aw | $cw | $node | $(r "$aw" "$nw") | $nc | $ac | $(r "$ac" "$nc") |")
done

# start-up: a small C++ program that does nothing (throw.cpp with 0 throws)
read -r snw snc < <(med start-up "$OUT/throw" 0)
read -r saw sac < <(med start-up "$ROOT/arca" run "$OUT/throw.wasm" 0)
t_native=$(for _ in $(seq "$RUNS"); do "$OUT/throw" | grep -oE '^[0-9.]+'; done | median)
t_arca=$(for _ in $(seq "$RUNS"); do "$ROOT/arca" run "$OUT/throw.wasm" | grep -oE '^[0-9.]+'; done | median)
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "**QuantLib 1.29** — $(date -u '+%Y-%m-%d %H:%M UTC') — $(nproc) cores — \`RUNS=$RUNS bench/quantlib.sh\`, medians of $RUNS (first run: 1), load average $load_start at the start, $load_end at the end"
  echo
  echo "| example | .wasm KiB | native s | Arca s | Arca first run s | Node WASI s | Arca/native | native CPU s | Arca CPU s | Arca/native CPU |"
  echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
  printf '%s\n' "${rows[@]}"
  echo "| start-up: bench/src/throw.cpp with 0 throws (a small C++ program) | $(( $(stat -c %s "$OUT/throw.wasm") / 1024 )) | $snw | $saw | | | | $snc | $sac | |"
  echo
  echo "Wall and CPU time of the whole process, start-up included (native: g++ -O2, glibc's default code paths; Arca: \`arca run\`, warm compiled-module cache; first run: cache emptied, the module is translated in the run). Every Arca run printed what the native build prints on glibc's baseline (no FMA) code paths."
  if [ "$node_ok" = 0 ]; then
    echo
    echo "Node $(node --version) cannot load the modules: \`${node_why}\` (QuantLib throws C++ exceptions, which \`arca c++\` compiles to the final exception-handling proposal, exnref; Node 20 does not have it)."
  fi
  echo
  echo "| throw+catch, 3 frames deep, 200000 times (ns each, timed inside the program) | native g++ -O2 | Arca | Arca/native |"
  echo "|---|--:|--:|--:|"
  echo "| bench/src/throw.cpp | $t_native | $t_arca | $(r "$t_arca" "$t_native") |"
} | tee "$ROOT/bench/results/quantlib.md"
