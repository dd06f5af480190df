#!/usr/bin/env bash
# Differential testing of Arca's compiler, with a fixed seed:
#  1. random C programs from Debian's csmith, built with gcc and with `arca cc`, run natively and
#     in both engines (Arca's compiler, Chicory's compiler): the engines' checksums must be equal
#     (and equal to native's, unless the program is not portable to wasm32: then it is only noted);
#  2. random valid modules from binaryen's `wasm-opt --translate-to-fuzz`, run in Arca's compiler
#     and in Chicory's interpreter (engine/src/test/.../fuzz/DifferentialRunner): every export
#     called, logged values, results and traps compared; where they differ, V8 (Node) decides
#     whether Arca's compiler or Chicory's interpreter departs from the specification;
#  3. the modules kept from earlier mismatches (tests/fuzz/regressions/*.wasm), the same way.
# A module that mismatches is kept in target/fuzz/mismatches (copy it to regressions/ once fixed).
# Ends with "N passed, M failed".
#
# usage: tests/fuzz/run.sh [--long] [--seed N] [--csmith N] [--ttf N]
#   default: seed 1, 12 csmith programs, 150 modules (the slice ./test runs);
#   --long: 500 csmith programs and 5000 modules (for a nightly run).
set -uo pipefail
HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export JAVA_HOME=${ARCA_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
SEED=1 CSMITH=12 TTF=150
while [ $# -gt 0 ]; do
  case $1 in
    --long) CSMITH=500 TTF=5000; shift ;;
    --seed) SEED=$2; shift 2 ;;
    --csmith) CSMITH=$2; shift 2 ;;
    --ttf) TTF=$2; shift 2 ;;
    *) echo "usage: tests/fuzz/run.sh [--long] [--seed N] [--csmith N] [--ttf N]" >&2; exit 2 ;;
  esac
done
OUT="$ROOT/target/fuzz"
rm -rf "$OUT/work" && mkdir -p "$OUT/work" "$OUT/mismatches"
pass=0 fail=0

need() { command -v "$1" >/dev/null || apt-get install -y -q "$2" >/dev/null 2>&1 \
  || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "$2" >/dev/null 2>&1; } \
  || { echo "fuzz: $1 missing and apt-get install $2 failed"; echo "0 passed, 1 failed"; exit 1; }; }
need csmith csmith
[ -f /usr/include/csmith/csmith.h ] || need csmith libcsmith-dev
[ -f /usr/include/csmith/csmith.h ] || apt-get install -y -q libcsmith-dev >/dev/null 2>&1
need wasm-opt binaryen
[ -d "$ROOT/engine/target/test-classes" ] && [ -d "$ROOT/cli/target/lib" ] \
  || { echo "fuzz: build Arca with tests first (sdk/build.sh --with-tests)"; echo "0 passed, 1 failed"; exit 1; }

# ---- 1. csmith: native vs Arca's compiler vs Chicory's compiler
for i in $(seq 1 "$CSMITH"); do
  s=$((SEED * 100000 + i))
  c="$OUT/work/cs$s.c"
  (cd "$OUT/work" && csmith --seed "$s" --max-funcs 8 -o "$c" >/dev/null 2>&1) || continue  # it writes platform.info where it runs
  gcc -O1 -w -I/usr/include/csmith -o "$OUT/work/cs$s" "$c" 2>/dev/null || continue
  native=$(timeout 10 "$OUT/work/cs$s" 2>/dev/null | tail -1) || continue   # a program that runs too long is skipped
  case "$native" in checksum*) ;; *) continue ;; esac
  "$ROOT/arca" cc -O1 -w -I/usr/include/csmith -o "$OUT/work/cs$s.wasm" "$c" 2>/dev/null || { fail=$((fail+1)); echo "FAIL csmith $s: arca cc failed"; continue; }
  a=$(ARCA_NO_BUILD=1 timeout 120 "$ROOT/arca" run --engine arca "$OUT/work/cs$s.wasm" 2>&1 | tail -1)
  c2=$(ARCA_NO_BUILD=1 timeout 120 "$ROOT/arca" run --engine chicory "$OUT/work/cs$s.wasm" 2>&1 | tail -1)
  if [ "$a" != "$c2" ]; then
    fail=$((fail+1)); echo "FAIL csmith seed $s: arca '$a', chicory '$c2', native '$native'"
    cp "$c" "$OUT/mismatches/"
  elif [ "$a" != "$native" ]; then
    pass=$((pass+1)); echo "PASS csmith seed $s (both engines '$a'; native '$native': not portable to wasm32)"
  else
    pass=$((pass+1)); echo "PASS csmith seed $s ($a)"
  fi
done

# ---- 2 and 3. translate-to-fuzz modules and the kept regressions: Arca's compiler vs Chicory's interpreter
# (not reference types: binaryen 108 predates their final form, and its modules fail validation)
FEATURES=(--enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int --enable-multivalue
          --enable-mutable-globals)
python3 - "$SEED" "$TTF" "$OUT/work" <<'PY'
import random, sys
seed, n, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
r = random.Random(seed)
for i in range(n):
    open(f"{out}/ttf{i}.dat", "wb").write(bytes(r.getrandbits(8) for _ in range(r.randint(200, 6000))))
PY
mods=()
for i in $(seq 0 $((TTF - 1))); do
  if wasm-opt -ttf "$OUT/work/ttf$i.dat" "${FEATURES[@]}" -o "$OUT/work/ttf$i.wasm" >/dev/null 2>&1; then
    mods+=("$OUT/work/ttf$i.wasm")
  fi
done
shopt -s nullglob; mods+=("$HERE"/regressions/*.wasm); shopt -u nullglob
CP="$ROOT/engine/target/test-classes:$ROOT/cli/target/lib/*"
"$JAVA_HOME/bin/java" -Xss16m -XX:+UseSerialGC -cp "$CP" dev.arca.engine.fuzz.DifferentialRunner \
  --keep "$OUT/mismatches" --node "$HERE/node-runner.mjs" "${mods[@]}" > "$OUT/ttf.log" 2>&1
grep -v '^[0-9]* passed' "$OUT/ttf.log"
read -r p f < <(grep -E '^[0-9]+ passed, [0-9]+ failed' "$OUT/ttf.log" | sed -E 's/([0-9]+) passed, ([0-9]+) failed/\1 \2/')
echo "translate-to-fuzz and regressions: ${p:-0} modules agree, ${f:-1} differ"
pass=$((pass + ${p:-0})); fail=$((fail + ${f:-1}))
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
