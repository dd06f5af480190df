#!/usr/bin/env bash
# Real programs, unmodified, from Debian's source packages: SQLite 3.40.1's speedtest1 (and, in
# SQLite's default thread-safe build, speedtest1 and its multi-threaded test programs), Redis
# 7.0.15 on loopback (redis-cli and redis-benchmark against it, natively and in Arca), the
# Lua 5.4.4 interpreter (built with gcc and with 'arca cc') and LIBLINEAR 2.3.0 (C++: g++ and
# 'arca c++'), run natively and in Arca, outputs
# compared (speedtest1's timings are the only part left out); speedtest1 again on an encrypted
# volume; QuantLib 1.29's examples (tests/ports/quantlib.sh) when its build cache is there.
#   tests/ports/run.sh [--quantlib]   (--quantlib: build QuantLib's cache first, about 65 CPU-minutes)
# Ends with "N passed, M failed".
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
"$ROOT/ports/redis/build.sh" || { echo "FAIL redis build (ports/redis/NOTES.md lists what the SDK lacks)"; fail=$((fail+1)); }

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
  # Every method the compiler makes of SQLite must be one HotSpot's C1 compiles: a method C1
  # refuses ("out of virtual registers") runs in the interpreter until C2 takes it. -Xcomp
  # compiles each method at its first call, tier 3 is C1 with profiling (its largest form).
  rm -rf "$T/a"/*.db
  ARCA_JAVA_OPTS="-XX:+PrintCompilation -Xcomp -XX:TieredStopAtLevel=3" "$ARCA" run --dir "$T/a::/" \
      "$BIN/speedtest1.wasm" --size 1 test.db > "$T/c1.out" 2>&1
  grep -q TOTAL "$T/c1.out"; rc=$?
  grep "dev\.arca\.generated\..*COMPILE SKIPPED" "$T/c1.out" > "$T/diff" && rc=1
  [ $rc = 0 ] || echo "(or speedtest1 did not finish: $(tail -1 "$T/c1.out"))" >> "$T/diff"
  result "sqlite3: C1 compiles every method generated for it ($(grep -c 'dev\.arca\.generated\.' "$T/c1.out") compilations)" $rc
fi

if [ -f "$BIN/threadtest4.wasm" ]; then
  # SQLite's default build (thread-safe, no -D flags), built with -pthread
  mkdir -p "$T/mt-n" "$T/mt-a"
  (cd "$T/mt-n" && "$BIN/speedtest1-mt" --size 1 test.db) | strip_times > "$T/native.out"
  "$ARCA" run --dir "$T/mt-a::/" "$BIN/speedtest1-mt.wasm" --size 1 test.db | strip_times > "$T/arca.out"
  diff "$T/native.out" "$T/arca.out" > "$T/diff"; rc=$?
  [ "$(wc -l < "$T/native.out")" -gt 20 ] || { echo "speedtest1 printed too little" > "$T/diff"; rc=1; }
  result "sqlite3 default thread-safe build: speedtest1 --size 1, same output as native" $rc
  # threadtest3: SQLite's multi-threaded test cases that run standalone in seconds (walthread1-4,
  # dynamic_triggers, checkpoint_starvation_*, stress2 run 20-60 s each; dynamic_triggers did
  # not end natively in 30 minutes in this build, whose busy handler sleeps whole seconds without
  # HAVE_USLEEP). Compared: which tests ran, their errors and the exit status; the threads' own
  # counts ("Thread 3 says: 92 iterations"), the WAL sizes and stress1's warnings depend on
  # scheduling.
  tt3_filter() { grep -vE '^Thread [0-9]+ says: |^  WAL file is |^Warning: '; }
  tests=(walthread5 cgt_pager_1 create_drop_index_1 lookaside1 vacuum1 stress1 shared1)
  rm -rf "$T/t3-n" "$T/t3-a"; mkdir -p "$T/t3-n" "$T/t3-a"
  { (cd "$T/t3-n" && "$BIN/threadtest3" "${tests[@]}"); echo "exit $?"; } 2>&1 | tt3_filter > "$T/native.out"
  { "$ARCA" run --dir "$T/t3-a::/" "$BIN/threadtest3.wasm" "${tests[@]}"; echo "exit $?"; } 2>&1 | tt3_filter > "$T/arca.out"
  diff "$T/native.out" "$T/arca.out" > "$T/diff"; rc=$?
  grep -q "^0 errors out of ${#tests[@]} tests" "$T/native.out" || { echo "threadtest3 failed natively" >> "$T/diff"; rc=1; }
  result "sqlite3 threadtest3 (${tests[*]}): same tests, errors and exit status as native" $rc
  # threadtest4: N threads on three databases in shared-cache mode; each thread's count of tests
  # is fixed. SQLite's own races in shared-cache mode, which the program does not retry: a worker
  # may get SQLITE_LOCKED preparing a statement ("database schema is locked") or stepping one
  # ("Failed to step"), or report "Deadlock in thread N while running [VACUUM]": natively 5 runs
  # in 20 of `threadtest4 4` on this machine (2026-12-03), so such a run is repeated, at most 5
  # times (all 6 failing: about 1 in 4,000); any other failure counts.
  tt4() {  # tt4 SIDE OPTIONS...: the sorted output of a run in $T/SIDE.out
    local side=$1; shift
    for attempt in 1 2 3 4 5 6; do
      rm -rf "$T/t4-$side"; mkdir -p "$T/t4-$side"
      if [ "$side" = native ]; then
        { (cd "$T/t4-$side" && "$BIN/threadtest4" "$@"); echo "exit $?"; } > "$T/$side.raw" 2>&1
      else
        { "$ARCA" run --dir "$T/t4-$side::/" "$BIN/threadtest4.wasm" "$@"; echo "exit $?"; } > "$T/$side.raw" 2>&1
      fi
      grep -qE "database schema is locked|Failed to step|Deadlock in thread" "$T/$side.raw" || break
    done
    sort "$T/$side.raw" > "$T/$side.out"
  }
  for opts in "4" "--wal 4" "--serialized 6"; do
    tt4 native $opts; tt4 arca $opts
    diff "$T/native.out" "$T/arca.out" > "$T/diff"; rc=$?
    grep -q "^Total 0 errors in" "$T/native.out" || { echo "threadtest4 $opts failed natively" >> "$T/diff"; rc=1; }
    result "sqlite3 threadtest4 $opts: same threads, test counts and exit status as native ($(grep -o 'Total.*' "$T/native.out"))" $rc
  done
fi

if [ -f "$BIN/redis-server.wasm" ]; then
  # Redis as Occlum runs it (no fork: no RDB or AOF files), natively and in Arca on loopback
  { command -v redis-cli && command -v redis-benchmark; } >/dev/null ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-tools >/dev/null 2>&1
  read -r RN RA RI <<< "$(python3 -c 'import socket
ss=[socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1",0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')"
  rpids=()
  redis_up() {  # redis_up PORT PID: until PONG (60 s), or PID has ended
    for _ in $(seq 1 240); do
      kill -0 "$2" 2>/dev/null || return 1
      [ "$(redis-cli -p "$1" PING 2>/dev/null)" = PONG ] && return 0
      sleep 0.25
    done
    return 1
  }
  mkdir -p "$T/rn" "$T/ra" "$T/ri"
  REDIS_ARGS=(--bind 127.0.0.1 --save "" --appendonly no)
  (cd "$T/rn" && exec "$BIN/redis-server" --port "$RN" "${REDIS_ARGS[@]}") > "$T/redis-native.log" 2>&1 & rn_pid=$!; rpids+=($!)
  "$ARCA" run --listen "$RA" --dir "$T/ra::/" "$BIN/redis-server.wasm" --port "$RA" "${REDIS_ARGS[@]}" > "$T/redis-arca.log" 2>&1 & ra_pid=$!; rpids+=($!)
  if redis_up "$RN" "$rn_pid" && redis_up "$RA" "$ra_pid"; then
    # the commands, then a hash big enough (a hash table of 1,000 fields: more than lazyfree.c's
    # threshold of 64) that UNLINK frees it in bio.c's lazy-free thread, and INFO's count of the
    # objects that thread freed
    printf '%s\n' "SET greeting hello" "GET greeting" 'APPEND greeting ", world"' "GET greeting" \
      "INCR counter" "INCR counter" "INCRBY counter 40" "GET counter" "LPUSH list a b c" \
      "RPUSH list d" "LRANGE list 0 -1" "LLEN list" "HSET h f1 v1 f2 v2" "HGET h f2" \
      "EXISTS greeting list h missing" "DEL greeting list h" "GET greeting" "DBSIZE" > "$T/redis.cmds"
    for side in native arca; do
      port=$RN; [ $side = arca ] && port=$RA
      redis-cli -p "$port" < "$T/redis.cmds" > "$T/$side.out" 2>&1
      redis-cli -p "$port" HSET big $(seq 1 2000) >> "$T/$side.out" 2>&1
      redis-cli -p "$port" UNLINK big >> "$T/$side.out" 2>&1
      for _ in $(seq 1 40); do
        redis-cli -p "$port" INFO | grep -q '^lazyfreed_objects:1' && break; sleep 0.25
      done
      redis-cli -p "$port" INFO | grep -E '^lazyfreed_objects:' | tr -d '\r' >> "$T/$side.out"
    done
    diff "$T/native.out" "$T/arca.out" > "$T/diff"; rc=$?
    grep -q '^lazyfreed_objects:1' "$T/native.out" || { echo "no object freed by the lazy-free thread natively" >> "$T/diff"; rc=1; }
    result "redis-server: redis-cli SET/GET/APPEND/INCR/LPUSH/LRANGE/HSET/DEL/UNLINK answers as native; a bio thread freed the big hash" $rc
    redis-benchmark -p "$RA" -t set,get -n 20000 -q > "$T/bench.out" 2>&1; rc=$?
    tr '\r' '\n' < "$T/bench.out" | grep -E '^(SET|GET): [0-9.]+ requests per second' > "$T/bench.rps"
    { [ $rc = 0 ] && [ "$(wc -l < "$T/bench.rps")" = 2 ] && ! grep -qiE 'error|refused' "$T/bench.out"; } || rc=1
    tr '\r' '\n' < "$T/bench.out" | tail -5 > "$T/diff"
    result "redis-benchmark -t set,get -n 20000 -q against Arca: no errors ($(sed -E 's/, p50=[0-9.]+ msec//' "$T/bench.rps" | paste -sd' '))" $rc
    n=$(redis-cli -p "$RA" DBSIZE); echo "DBSIZE after the benchmark: $n" > "$T/diff"
    [ "$n" = 2 ]; result "redis-server in Arca still answers after the benchmark (its two keys)" $?
  else
    echo "FAIL redis-server started natively and in Arca"; fail=$((fail+1)); tail -20 "$T/redis-arca.log"
  fi
  # I/O threads: four threads read and write the sockets of 50 clients
  "$ARCA" run --listen "$RI" --dir "$T/ri::/" "$BIN/redis-server.wasm" --port "$RI" "${REDIS_ARGS[@]}" \
      --io-threads 4 --io-threads-do-reads yes > "$T/redis-io.log" 2>&1 & ri_pid=$!; rpids+=($!)
  if redis_up "$RI" "$ri_pid"; then
    redis-benchmark -p "$RI" -c 50 -t set,get -n 20000 -q > "$T/bench.out" 2>&1; rc=$?
    [ "$(tr '\r' '\n' < "$T/bench.out" | grep -cE '^(SET|GET): [0-9.]+ requests per second')" = 2 ] || rc=1
    grep -qiE 'error|refused' "$T/bench.out" && rc=1
    { tr '\r' '\n' < "$T/bench.out" | tail -5; tail -5 "$T/redis-io.log"; } > "$T/diff"
    result "redis-server --io-threads 4 --io-threads-do-reads yes in Arca: redis-benchmark -c 50 without errors" $rc
  else
    echo "FAIL redis-server --io-threads 4 started in Arca"; fail=$((fail+1)); tail -20 "$T/redis-io.log"
  fi
  for p in "${rpids[@]}"; do kill "$p" 2>/dev/null; done
  wait "${rpids[@]}" 2>/dev/null
  grep -h -m5 -E 'Exception|^\s+at [a-z]' "$T/redis-arca.log" "$T/redis-io.log" > "$T/diff"
  [ ! -s "$T/diff" ]; result "redis-server in Arca printed no Java stack trace" $?
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
  # as for SQLite above: C1 compiles every method generated for Lua (its interpreter loop included)
  ARCA_JAVA_OPTS="-XX:+PrintCompilation -Xcomp -XX:TieredStopAtLevel=3" "$ARCA" run --dir "$T/lua-a::/" \
      "$BIN/lua.wasm" basics.lua > "$T/c1.out" 2>&1; rc=$?
  grep "dev\.arca\.generated\..*COMPILE SKIPPED" "$T/c1.out" > "$T/diff" && rc=1
  result "lua: C1 compiles every method generated for it ($(grep -c 'dev\.arca\.generated\.' "$T/c1.out") compilations)" $rc
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
# QuantLib 1.29 (C++ with Boost): tests/ports/quantlib.sh, from QuantLib's build cache, or a SKIP
# line saying how to build it; with --quantlib the cache is built first when it is absent and the
# longest example runs too (the long test)
ql=(); [ "${1:-}" = --quantlib ] && ql=(--build --long)
"$HERE/quantlib.sh" "${ql[@]}" 2>&1 | tee "$T/quantlib.out" | grep --line-buffered -vE '^[0-9]+ passed, [0-9]+ failed$'
read -r p f < <(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$T/quantlib.out" | tail -1)
pass=$((pass + ${p:-0})); fail=$((fail + ${f:-1}))

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
