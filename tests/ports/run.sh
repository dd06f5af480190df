#!/usr/bin/env bash
# Real programs, unmodified, from Debian's source packages: SQLite 3.40.1's speedtest1, the
# Lua 5.4.4 interpreter (built with gcc and with 'arca cc') and LIBLINEAR 2.3.0 (C++: g++ and
# 'arca c++'), run natively and in Arca, outputs
# compared (speedtest1's timings are the only part left out); speedtest1 again on an encrypted
# volume. Ends with "N passed, M failed".
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN="$ROOT/target/ports/bin"
ARCA="$ROOT/arca"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
pass=0 fail=0
result() { if [ "$2" = 0 ]; then pass=$((pass+1)); echo "PASS $1"; else fail=$((fail+1)); echo "FAIL $1"; sed 's/^/    /' "$T/diff" | head -20; fi; }

"$ROOT/ports/sqlite3/build.sh" || { echo "FAIL sqlite3 build"; fail=$((fail+1)); }
"$ROOT/ports/lua5.4/build.sh" || { echo "FAIL lua build"; fail=$((fail+1)); }
"$ROOT/ports/liblinear/build.sh" || { echo "FAIL liblinear build"; fail=$((fail+1)); }

if [ -f "$BIN/speedtest1.wasm" ]; then
  size=${SPEEDTEST_SIZE:-3}
  strip_times() { sed -E 's/ *[0-9]+\.[0-9]+s$//; /^-- Speedtest1 for SQLite/d'; }  # the padding too: %4d.%03ds is one space shorter from 10 s on
  mkdir -p "$T/n" "$T/a"
  (cd "$T/n" && "$BIN/speedtest1" --size "$size" test.db) | strip_times > "$T/native.out"
  "$ARCA" run --dir "$T/a::/" "$BIN/speedtest1.wasm" --size "$size" test.db | strip_times > "$T/arca.out"
  diff "$T/native.out" "$T/arca.out" > "$T/diff"; rc=$?
  [ "$(wc -l < "$T/native.out")" -gt 20 ] || { echo "speedtest1 printed too little" > "$T/diff"; rc=1; }
  result "sqlite3 speedtest1 --size $size: same output as native ($(grep -c '^ *[0-9]* - ' "$T/native.out") tests)" $rc
  (cd "$T/n" && "$BIN/speedtest1" --size 1 --journal wal wal.db) | strip_times > "$T/native-wal.out" 2>&1
  "$ARCA" run --dir "$T/a::/" "$BIN/speedtest1.wasm" --size 1 --journal delete --nosync del.db | strip_times > "$T/arca-del.out"
  grep -q "TOTAL" "$T/arca-del.out"; rc=$?; echo "delete journal, no sync" > "$T/diff"
  result "sqlite3 speedtest1 with a rollback journal runs to completion" $rc
  # the same database work on an encrypted volume mounted as the guest's root
  head -c 32 /dev/urandom > "$T/vol.key"
  (cd "$T/n" && rm -f test.db && "$BIN/speedtest1" --size 2 test.db) | strip_times > "$T/native2.out"
  ARCA_STATE_DIR="$T/state" "$ARCA" run --volume "$T/st.vol::/" --key-file "$T/vol.key" \
      "$BIN/speedtest1.wasm" --size 2 test.db | strip_times > "$T/arca-vol.out"
  diff "$T/native2.out" "$T/arca-vol.out" > "$T/diff"; rc=$?
  [ "$(wc -l < "$T/native2.out")" -gt 20 ] || { echo "speedtest1 printed too little" > "$T/diff"; rc=1; }
  if [ $rc = 0 ] && grep -aq "SQLite format 3" "$T/st.vol"; then echo "plaintext SQLite header in the volume file" > "$T/diff"; rc=1; fi
  result "sqlite3 speedtest1 --size 2 on an encrypted volume (--volume VOL::/): same output as native" $rc
fi

if [ -f "$BIN/lua.wasm" ]; then
  for script in "$HERE"/lua/*.lua; do
    name=$(basename "$script")
    mkdir -p "$T/lua-n" "$T/lua-a"
    mkdir -p "$T/lua-a/tmp"  # os.tmpname makes files in /tmp, as natively
    cp "$script" "$T/lua-n/$name"; cp "$script" "$T/lua-a/$name"
    (cd "$T/lua-n" && "$BIN/lua" "$name") > "$T/native.out" 2>&1
    "$ARCA" run --dir "$T/lua-a::/" "$BIN/lua.wasm" "$name" > "$T/arca.out" 2>&1
    diff "$T/native.out" "$T/arca.out" > "$T/diff"; rc=$?
    result "lua $name: same output as native" $rc
    # again with every function split into small methods (longjmp through try_table across them)
    ARCA_METHOD_LIMIT=100 "$ARCA" run --dir "$T/lua-a::/" "$BIN/lua.wasm" "$name" > "$T/arca.out" 2>&1
    diff "$T/native.out" "$T/arca.out" > "$T/diff"; rc=$?
    result "lua $name, functions split into small methods: same output as native" $rc
  done
fi
if [ -f "$BIN/speedtest1.wasm" ]; then
  mkdir -p "$T/split-n" "$T/split-a"
  (cd "$T/split-n" && "$BIN/speedtest1" --size 1 test.db) | strip_times > "$T/native-split.out"
  ARCA_METHOD_LIMIT=100 "$ARCA" run --dir "$T/split-a::/" "$BIN/speedtest1.wasm" --size 1 test.db | strip_times > "$T/arca-split.out"
  diff "$T/native-split.out" "$T/arca-split.out" > "$T/diff"; rc=$?
  result "sqlite3 speedtest1 --size 1, functions split into small methods: same output as native" $rc
fi
if [ -f "$BIN/liblinear-train.wasm" ]; then
  # LIBLINEAR (C++) on its own heart_scale: the solvers' output, the model file's bytes, predict's
  # accuracy line and predictions, natively and in Arca (and once on Chicory)
  data=$(ls "$ROOT"/target/ports/liblinear/liblinear-*/heart_scale | head -1)
  ll() {  # ll LABEL [arca run options --] TRAIN OPTIONS...
    local label=$1; shift
    local -a eng=()
    if [ "${1:-}" = --engine ]; then eng=(--engine "$2"); shift 2; fi
    local -a predict=()
    [ "${1:-}" = -s ] && [ "${2:-}" = 0 ] && predict=(-b 1)  # logistic regression: probabilities too
    rm -rf "$T/ll-n" "$T/ll-a"; mkdir -p "$T/ll-n" "$T/ll-a"
    cp "$data" "$T/ll-n/heart_scale"; cp "$data" "$T/ll-a/heart_scale"
    { (cd "$T/ll-n" && "$BIN/liblinear-train" "$@" heart_scale && { [ ! -f heart_scale.model ] ||
        "$BIN/liblinear-predict" "${predict[@]}" heart_scale heart_scale.model predictions; }); echo "exit $?"; } > "$T/native.out" 2>&1
    { "$ARCA" run "${eng[@]}" --dir "$T/ll-a::/" "$BIN/liblinear-train.wasm" "$@" heart_scale && { [ ! -f "$T/ll-a/heart_scale.model" ] ||
        "$ARCA" run "${eng[@]}" --dir "$T/ll-a::/" "$BIN/liblinear-predict.wasm" "${predict[@]}" heart_scale heart_scale.model predictions; }; echo "exit $?"; } > "$T/arca.out" 2>&1
    diff "$T/native.out" "$T/arca.out" > "$T/diff"; rc=$?
    for f in heart_scale.model predictions; do
      [ -f "$T/ll-n/$f" ] || continue
      cmp "$T/ll-n/$f" "$T/ll-a/$f" >> "$T/diff" 2>&1 || rc=1
    done
    grep -Eq "Accuracy = |Mean squared error" "$T/native.out" || { echo "no accuracy line natively" >> "$T/diff"; rc=1; }
    result "liblinear $label: same output (and model file and predictions, where made) as native ($(grep -Eo '(Cross Validation )?Accuracy = [0-9.]+%|Mean squared error = [0-9.e-]+' "$T/native.out" | head -1))" $rc
  }
  ll "train (default solver, L2-loss SVC dual)"
  ll "train -s 0 (logistic regression, TRON), predict -b 1" -s 0
  ll "train -s 2 (L2-loss SVC primal, TRON)" -s 2
  ll "train -s 5 (L1-regularized SVC)" -s 5
  ll "train -s 6 (L1-regularized logistic regression)" -s 6
  ll "train -s 11 (L2-loss SVR)" -s 11
  ll "train -v 5 (cross-validation)" -v 5
  ll "train on --engine chicory" --engine chicory -s 1
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
