#!/usr/bin/env bash
# QuantLib 1.29 (C++, with Boost; ports/quantlib): its shipped examples and demo/option.cpp, built
# with g++ and with 'arca c++', run natively and in Arca; the outputs (every figure the programs
# print, and the exit status) must be the same. The examples must also succeed natively and print
# a figure-bearing report, so an example that fails or prints nothing fails here.
#
# QuantLib takes long to build (README), so this runs from its build cache (ports/quantlib/cache.sh)
# and, when the cache for this toolchain is absent, prints a SKIP line saying how to build it.
#   tests/ports/quantlib.sh           run from the cache, or SKIP
#   tests/ports/quantlib.sh --build --long   the long test: build the cache first when it is
#                                     absent, and run BasketLosses too (minutes in Arca)
#   QL_EXAMPLES="EquityOption Bonds" tests/ports/quantlib.sh   a subset
# The wasm examples are linked again from their cached objects against this checkout's SDK
# (libarca, libc++), which the cache's key leaves out.
# Ends with "N passed, M failed".
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ARCA="$ROOT/arca"
OUT="$ROOT/target/ports/quantlib/bin"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
pass=0 fail=0
result() { if [ "$2" = 0 ]; then pass=$((pass+1)); echo "PASS $1"; else fail=$((fail+1)); echo "FAIL $1"; sed 's/^/    /' "$T/diff" | head -20; fi; }

# The examples compared: all of the 19 but MarketModels (minutes natively; prints its own timings),
# GlobalOptimizer (its particle swarm is seeded from the clock, by QuantLib's SeedGenerator: two
# native runs print different end points), Gaussian1dModels (Boost.Math computes in long double,
# x87's 80 bits natively, binary128 in wasm, where wasi-libc's expl, logl and log1pl work in double
# precision, as musl's do for 128-bit long doubles; its calibrations carry that into 39 printed
# lines; Chicory prints what Arca's compiler prints) and BasketLosses (about 4 minutes in Arca: in
# the long test, --long).
EXAMPLES=(${QL_EXAMPLES:-EquityOption Bonds BermudanSwaption FRA DiscreteHedging MulticurveBootstrapping
  CallableBonds CDS ConvertibleBonds CVAIRS FittedBondCurve LatentModel MultidimIntegral Replication Repo})
# WebAssembly has no fused multiply-add, and glibc picks FMA variants of exp, log, pow, sin, ... on
# CPUs that have it: they round a few results differently in the last bit, which BermudanSwaption's
# and FittedBondCurve's calibrations carry into printed digits (and an iteration count). So the
# native reference is the same binary on glibc's baseline x86-64 code paths, which are the same
# algorithms as wasi-libc's (musl's) for these functions.
NATIVE_TUNABLES=glibc.cpu.hwcaps=-FMA,-FMA4
# DiscreteHedging's Monte Carlo is seeded from the clock (SeedGenerator again), so its P&L
# statistics differ from run to run natively too: those four columns are masked, the rest
# (samples, trades, Derman and Kamal's formula, the option's value) is compared.
mask() {
  case $1 in
    DiscreteHedging) awk -F'|' -v OFS='|' 'NF == 7 && $1 ~ /[0-9]/ {$3 = $4 = $6 = $7 = " (seeded by the clock)"} {print}' ;;
    *) cat ;;
  esac
}

for arg in "$@"; do
  case $arg in
    --build) "$ROOT/ports/quantlib/build.sh" >/dev/null ||
               { echo "FAIL quantlib build (ports/quantlib/build.sh)"; echo "0 passed, 1 failed"; exit 1; } ;;
    --long) [ -n "${QL_EXAMPLES:-}" ] || EXAMPLES+=(BasketLosses) ;;
    *) echo "usage: tests/ports/quantlib.sh [--build] [--long]" >&2; exit 2 ;;
  esac
done
if ! QL=$("$ROOT/ports/quantlib/cache.sh"); then
  echo "SKIP quantlib: not built for this toolchain ($QL absent); build it once with ports/quantlib/build.sh (about 65 CPU-minutes: an hour or more on 2 cores), or run tests/ports/quantlib.sh --build"
  echo "0 passed, 0 failed"
  exit 0
fi
mkdir -p "$OUT"

# link NAME INPUT...: NAME.wasm from cached objects (or sources), against the cached library; every
# run (half a second for an example), so that it is this checkout's SDK that is tested
link() {
  local name=$1; shift
  # shellcheck disable=SC2046
  "$ARCA" c++ -O2 $(cat "$QL/wasm/cxxflags") -o "$OUT/$name.wasm" "$@" $(cat "$QL/wasm/libs")
}
# example NAME: the example in its own directory, natively and in Arca; stdout, stderr and exit status
example() {
  local name=$1 rc
  rm -rf "$T/n" "$T/a"; mkdir -p "$T/n" "$T/a"
  if ! link "$name" "$QL/wasm/obj/$name.o" 2>"$T/diff"; then result "quantlib $name: links with arca c++" 1; return; fi
  { (cd "$T/n" && GLIBC_TUNABLES=$NATIVE_TUNABLES "$QL/native/bin/$name"); echo "exit $?"; } 2>&1 | mask "$name" > "$T/native.out"
  { "$ARCA" run --dir "$T/a::/" "$OUT/$name.wasm"; echo "exit $?"; } 2>&1 | mask "$name" > "$T/arca.out"
  diff "$T/native.out" "$T/arca.out" > "$T/diff"; rc=$?
  # natively: success, and a report with figures in it (at least 3 lines holding a decimal number)
  tail -1 "$T/native.out" | grep -qx "exit 0" || { echo "natively: $(tail -1 "$T/native.out")" >> "$T/diff"; rc=1; }
  figures=$(grep -cE '[0-9]\.[0-9]' "$T/native.out")
  [ "$figures" -ge 3 ] || { echo "natively: only $figures lines with figures" >> "$T/diff"; rc=1; }
  result "quantlib $name: same output as native ($(($(wc -l < "$T/native.out") - 1)) lines, $figures with figures)" $rc
}
for e in "${EXAMPLES[@]}"; do example "$e"; done

# demo/option.cpp, the demo's program: several engines on one option, Greeks, a spot ladder, and
# a QuantLib::Error thrown by the library and caught
rm -rf "$T/n"; mkdir -p "$T/n"
# shellcheck disable=SC2046
if g++ -O2 $(cat "$QL/native/cxxflags") -o "$T/option" "$ROOT/demo/option.cpp" $(cat "$QL/native/libs") 2>"$T/diff" &&
   link option "$ROOT/demo/option.cpp" 2>"$T/diff"; then
  { GLIBC_TUNABLES=$NATIVE_TUNABLES "$T/option"; echo "exit $?"; } > "$T/native.out" 2>&1
  { "$ARCA" run "$OUT/option.wasm"; echo "exit $?"; } > "$T/arca.out" 2>&1
  diff "$T/native.out" "$T/arca.out" > "$T/diff"; rc=$?
  tail -1 "$T/native.out" | grep -qx "exit 0" || { echo "natively: $(tail -1 "$T/native.out")" >> "$T/diff"; rc=1; }
  grep -q "QuantLib::Error" "$T/native.out" || { echo "natively: no QuantLib::Error caught" >> "$T/diff"; rc=1; }
  result "quantlib demo/option.cpp: same output as native, a QuantLib::Error thrown and caught" $rc
else
  result "quantlib demo/option.cpp builds with g++ and arca c++" 1
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
