#!/usr/bin/env bash
# Arca benchmark suite: cold start + compute kernels, native vs Node vs Arca.
# Prints one Markdown table on stdout and writes it to bench/results/latest.md.
# Progress and diagnostics go to stderr. See bench/README.md.
#
# usage: bench/run.sh [--runs N] [--startup-runs N] [--only a,b,...] [--quick]
# env:   ARCA                 arca command (default ./arca, relative to the repo root;
#                             may be several words, e.g. "java -jar arca.jar")
#        BENCH_RUNS           timed runs per compute cell (default 5)
#        BENCH_STARTUP_RUNS   timed runs per cold-start cell (default 20)
#        BENCH_REQUIRE_ARCA=1 fail instead of printing n/a when Arca is not runnable
#        BENCH_RESIDENT=0     leave out the resident column (arca run --node, a node this
#                             script starts with 'arca node start --data DIR' and stops)
set -euo pipefail

die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }
log() { printf 'bench: %s\n' "$*" >&2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
INVOCATION="bench/run.sh${*:+ $*}"

RUNS=${BENCH_RUNS:-5}
STARTUP_RUNS=${BENCH_STARTUP_RUNS:-20}
PORT_RUNS=${BENCH_PORT_RUNS:-3}
SQ_SIZE=${SPEEDTEST_SIZE:-25}
LUA_REPS=3
ARCA=${ARCA:-./arca}
ALL_KERNELS=(crc32 matmul sort strsearch mix)
ALL_PORTS=(speedtest1 lua)
KERNELS=("${ALL_KERNELS[@]}")
PORTS=("${ALL_PORTS[@]}")
QUICK=0

while [ $# -gt 0 ]; do
  case $1 in
    --runs) RUNS=${2:?--runs needs a value}; shift 2 ;;
    --startup-runs) STARTUP_RUNS=${2:?--startup-runs needs a value}; shift 2 ;;
    --port-runs) PORT_RUNS=${2:?--port-runs needs a value}; shift 2 ;;
    --only) IFS=, read -r -a only <<<"${2:?--only needs a list}"; KERNELS=(); PORTS=()
            for k in "${only[@]}"; do
              if [[ " ${ALL_PORTS[*]} " == *" $k "* ]]; then PORTS+=("$k"); else KERNELS+=("$k"); fi
            done; shift 2 ;;
    --quick) QUICK=1; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (try --help)" ;;
  esac
done
if [ "$QUICK" = 1 ]; then
  RUNS=${BENCH_RUNS:-3}
  STARTUP_RUNS=${BENCH_STARTUP_RUNS:-5}
  PORT_RUNS=${BENCH_PORT_RUNS:-1}
  SQ_SIZE=${SPEEDTEST_SIZE:-1}
  LUA_REPS=1
fi
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "runs must be a positive integer, got '$RUNS'"
[[ $STARTUP_RUNS =~ ^[1-9][0-9]*$ ]] || die "startup runs must be a positive integer, got '$STARTUP_RUNS'"
[[ $PORT_RUNS =~ ^[1-9][0-9]*$ ]] || die "port runs must be a positive integer, got '$PORT_RUNS'"
for k in "${KERNELS[@]}"; do
  [[ " ${ALL_KERNELS[*]} " == *" $k "* ]] || die "unknown benchmark '$k' (have: ${ALL_KERNELS[*]} ${ALL_PORTS[*]})"
done

# Repetition argument passed to each kernel in --quick mode (default workloads
# take ~1 s natively; these take a few tens of ms, for checking the plumbing).
quick_reps() {
  case $1 in
    crc32) echo 10 ;; matmul) echo 3 ;; sort) echo 1 ;; strsearch) echo 1 ;; mix) echo 2 ;;
  esac
}

# ---------------------------------------------------------------- tools
CC_NATIVE=gcc
CC_WASM=clang-22
CFLAGS=(-O2 -ffp-contract=off -Wall -Wextra)
WASM_FLAGS=(--target=wasm32-wasi --sysroot=/usr -Wno-deprecated --no-wasm-opt)

command -v "$CC_NATIVE" >/dev/null || die "$CC_NATIVE not found (apt-get install gcc)"
command -v "$CC_WASM" >/dev/null || die "$CC_WASM not found (needed for the wasm32-wasi builds)"
[ -f /usr/lib/wasm32-wasi/libc.a ] || die "wasi-libc sysroot missing: /usr/lib/wasm32-wasi/libc.a (apt-get install wasi-libc)"
command -v node >/dev/null || die "node not found (Node >= 20 is needed for node:wasi)"
node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' \
  || die "Node >= 20 required, found $(node --version)"
if ! command -v hyperfine >/dev/null; then
  log "hyperfine not found; installing it with apt-get"
  [ "$(id -u)" = 0 ] || die "hyperfine missing and not root: install it with 'apt-get install hyperfine'"
  apt-get install -y -q hyperfine >&2 \
    || { apt-get update -q >&2 && apt-get install -y -q hyperfine >&2; } \
    || die "could not install hyperfine with apt-get"
fi

OUT=$ROOT/target/bench
mkdir -p "$OUT/native" "$OUT/wasm" "$OUT/json" "$ROOT/bench/results"
rm -f "$OUT"/json/*.json
TMP=$(mktemp -d "${TMPDIR:-/tmp}/arca-bench.XXXXXX")
source "$ROOT/bench/resident.sh"
trap 'stop_resident; rm -rf "$TMP"' EXIT

# ---------------------------------------------------------------- build
log "building native (gcc ${CFLAGS[*]}) and wasm ($CC_WASM ${CFLAGS[*]}) into target/bench"
for k in hello "${KERNELS[@]}"; do
  src=bench/src/$k.c
  "$CC_NATIVE" "${CFLAGS[@]}" -o "$OUT/native/$k" "$src" -lm || die "native build of $src failed"
  "$CC_WASM" "${WASM_FLAGS[@]}" "${CFLAGS[@]}" -o "$OUT/wasm/$k.wasm" "$src" -lm || die "wasm build of $src failed"
done

# SQLite 3.40.1's speedtest1 and Lua 5.4.4, Debian's sources, gcc -O2 and `arca cc -O2`
# (ports/*/build.sh): a port that does not build is left out of the table, with a note
BIN=$ROOT/target/ports/bin
PORT_NOTES=()
for p in "${PORTS[@]}"; do
  case $p in speedtest1) script=ports/sqlite3/build.sh ;; lua) script=ports/lua5.4/build.sh ;; esac
  if ! "$script" >"$OUT/build-$p.log" 2>&1; then
    PORT_NOTES+=("$p left out: $script failed (target/bench/build-$p.log)")
    PORTS=("${PORTS[@]/$p}")
  fi
done
read -r -a PORTS <<<"${PORTS[*]}"
SQ_DB=$TMP/speedtest1-db
mkdir -p "$SQ_DB"

# ---------------------------------------------------------------- commands
NODE_CMD=(node --no-warnings bench/node-wasi.mjs)
read -r -a ARCA_CMD <<<"$ARCA"
[ ${#ARCA_CMD[@]} -gt 0 ] || die "ARCA is empty"
CACHE_WARM=$TMP/cache-warm   # ARCA_CACHE_DIR for the warm-cache column (primed once per program)
CACHE_COLD=$TMP/cache-cold   # ARCA_CACHE_DIR for the cold-cache column (emptied before every run)
mkdir -p "$CACHE_WARM" "$CACHE_COLD"

# cmd_for RUNTIME NAME -> prints argv words, one per line (RUNTIME: native node arca chicory)
cmd_for() {
  local rt=$1 k=$2 extra=() run=()
  case $rt in
    arca) run=("${ARCA_CMD[@]}" run) ;;
    chicory) run=("${ARCA_CMD[@]}" run --engine chicory) ;;
    resident) run=("${ARCA_CMD[@]}" run --node "$TMP/node") ;;
  esac
  case $k in
    speedtest1)
      case $rt in
        native) printf '%s\n' "$BIN/speedtest1" --size "$SQ_SIZE" "$SQ_DB/t.db" ;;
        node) printf '%s\n' "${NODE_CMD[@]}" --dir "$SQ_DB::/" "$BIN/speedtest1.wasm" --size "$SQ_SIZE" t.db ;;
        *) printf '%s\n' "${run[@]}" --dir "$SQ_DB::/" "$BIN/speedtest1.wasm" --size "$SQ_SIZE" t.db ;;
      esac
      return ;;
    lua)
      case $rt in
        native) printf '%s\n' "$BIN/lua" bench/src/bench.lua "$LUA_REPS" ;;
        node) printf '%s\n' "${NODE_CMD[@]}" --dir "bench/src::/b" "$BIN/lua.wasm" /b/bench.lua "$LUA_REPS" ;;
        *) printf '%s\n' "${run[@]}" --dir "bench/src::/b" "$BIN/lua.wasm" /b/bench.lua "$LUA_REPS" ;;
      esac
      return ;;
  esac
  [ "$QUICK" = 1 ] && [ "$k" != hello ] && extra=("$(quick_reps "$k")")
  case $rt in
    native) printf '%s\n' "$OUT/native/$k" "${extra[@]}" ;;
    node) printf '%s\n' "${NODE_CMD[@]}" "$OUT/wasm/$k.wasm" "${extra[@]}" ;;
    *) printf '%s\n' "${run[@]}" "$OUT/wasm/$k.wasm" "${extra[@]}" ;;
  esac
}

# what a run must print the same in every runtime: speedtest1's timings left out
same_part() {
  if [ "$1" = speedtest1 ]; then sed -E 's/ *[0-9]+\.[0-9]+s$//; /^-- Speedtest1 for SQLite/d'; else cat; fi
}

# run_once RUNTIME NAME [CACHE_DIR] -> program stdout; dies on failure
run_once() {
  local rt=$1 k=$2 cache=${3:-$CACHE_WARM} argv out
  mapfile -t argv < <(cmd_for "$rt" "$k")
  find "$SQ_DB" -mindepth 1 -delete
  if ! out=$(ARCA_CACHE_DIR=$cache "${argv[@]}" 2>"$TMP/stderr"); then
    cat "$TMP/stderr" >&2
    die "$rt run of $k failed: ${argv[*]}"
  fi
  printf '%s' "$out" | same_part "$k"
}

check_output() { # RUNTIME NAME EXPECTED GOT
  if [ "$3" != "$4" ]; then
    printf 'bench: expected (native): %s\nbench: got (%s):        %s\n' "$3" "$1" "$4" >&2
    die "OUTPUT MISMATCH for $2 on $1: results are not comparable"
  fi
}

# time_cmd RUNTIME NAME RUNS WARMUP [CACHE_DIR [PREPARE]] -> median ms
time_cmd() {
  local rt=$1 k=$2 runs=$3 warmup=$4 cache=${5:-$CACHE_WARM} prepare=${6:-} argv cmd json
  mapfile -t argv < <(cmd_for "$rt" "$k")
  cmd=$(printf '%q ' "${argv[@]}")
  json=$OUT/json/$k-$rt${prepare:+-coldcache}.json
  # speedtest1 starts from an empty database directory every run
  if [ "$k" = speedtest1 ]; then
    if [ -n "$prepare" ]; then prepare=$(printf '%q ' find "$SQ_DB" "$CACHE_COLD" -mindepth 1 -delete)
    else prepare=$(printf '%q ' find "$SQ_DB" -mindepth 1 -delete); fi
  fi
  local hf=(hyperfine -N --style basic --runs "$runs" --warmup "$warmup" --export-json "$json")
  [ -n "$prepare" ] && hf+=(--prepare "$prepare")
  if ! ARCA_CACHE_DIR=$cache "${hf[@]}" -- "$cmd" >>"$OUT/hyperfine.log" 2>&1; then
    tail -n 20 "$OUT/hyperfine.log" >&2
    die "timing $rt $k failed (full log: target/bench/hyperfine.log)"
  fi
  node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results[0];
           process.stdout.write((r.median * 1000).toFixed(3));' "$json"
}

# ---------------------------------------------------------------- arca probe
ARCA_OK=0
ARCA_NOTE=""
: >"$OUT/hyperfine.log"
EXPECT_HELLO=$(run_once native hello)
if ! command -v -- "${ARCA_CMD[0]}" >/dev/null 2>&1; then
  ARCA_NOTE="not runnable: '${ARCA_CMD[0]}' not found"
else
  mapfile -t probe < <(cmd_for arca hello)
  if got=$(ARCA_CACHE_DIR=$CACHE_COLD timeout 600 "${probe[@]}" 2>"$TMP/stderr") && [ "$got" = "$EXPECT_HELLO" ]; then
    ARCA_OK=1
  else
    ARCA_NOTE="not runnable: '${probe[*]}' failed or printed the wrong output"
    tail -n 20 "$TMP/stderr" >&2
  fi
  find "$CACHE_COLD" -mindepth 1 -delete
fi
if [ "$ARCA_OK" = 0 ]; then
  [ "${BENCH_REQUIRE_ARCA:-0}" = 1 ] && die "Arca $ARCA_NOTE (BENCH_REQUIRE_ARCA=1)"
  log "Arca $ARCA_NOTE; Arca columns will be n/a"
fi
# the resident column: one node for the whole run; each program's first run in it is hyperfine's
# warm-up (the node compiles it then), the timed runs find its code compiled
RESIDENT=0
if [ "$ARCA_OK" = 1 ] && [ "${BENCH_RESIDENT:-1}" = 1 ]; then
  if start_resident "$TMP/node" "$OUT/resident-node.log" "${ARCA_CMD[@]}"; then RESIDENT=1; sleep 2 # its warm-up program
  else log "the resident node did not start (target/bench/resident-node.log): no resident column"; fi
fi

# ---------------------------------------------------------------- measure
declare -A T  # T[name,column] = median ms
declare -A NA # NA[name,runtime] = why that cell is n/a
EMPTY_CACHE_WARNED=0
for k in hello "${KERNELS[@]}" "${PORTS[@]}"; do
  case $k in
    hello) runs=$STARTUP_RUNS warm=3 ;;
    speedtest1|lua) runs=$PORT_RUNS warm=0 ;;
    *) runs=$RUNS warm=1 ;;
  esac
  expect=$(run_once native "$k")
  T[$k,native]=$(time_cmd native "$k" "$runs" "$warm")
  log "$k: native ${T[$k,native]} ms"
  if got=$(run_once node "$k" 2>"$TMP/node-err"); then
    check_output node "$k" "$expect" "$got"
    log "$k: output matches native in node"
    T[$k,node]=$(time_cmd node "$k" "$runs" "$warm")
    log "$k: node   ${T[$k,node]} ms"
  else
    # Lua's setjmp/longjmp is built on the final exception-handling proposal (try_table),
    # which Node 20's V8 cannot compile
    NA[$k,node]=$(grep -m1 -oE 'CompileError[^@]*' "$TMP/node-err" || echo "node failed")
    log "$k: node cannot run it: ${NA[$k,node]}"
  fi
  if [ "$ARCA_OK" = 1 ]; then
    for rt in arca chicory; do
      # Cold-cache path first (this run also primes the warm cache), then the warm-cache path;
      # both outputs must match native.
      check_output "$rt (cold cache)" "$k" "$expect" "$(run_once "$rt" "$k" "$CACHE_WARM")"
      check_output "$rt (warm cache)" "$k" "$expect" "$(run_once "$rt" "$k" "$CACHE_WARM")"
      if [ "$EMPTY_CACHE_WARNED" = 0 ] && [ -z "$(ls -A "$CACHE_WARM")" ]; then
        log "WARNING: ARCA_CACHE_DIR ($CACHE_WARM) is still empty after a priming run;" \
            "warm and cold cache numbers will be the same"
        EMPTY_CACHE_WARNED=1
      fi
      T[$k,$rt]=$(time_cmd "$rt" "$k" "$runs" 0 "$CACHE_WARM")
      log "$k: $rt ${T[$k,$rt]} ms (warm cache)"
      T[$k,${rt}cold]=$(time_cmd "$rt" "$k" "$runs" 0 "$CACHE_COLD" \
        "$(printf '%q ' find "$CACHE_COLD" -mindepth 1 -delete)")
      log "$k: $rt ${T[$k,${rt}cold]} ms (cold cache)"
    done
  fi
  if [ "$RESIDENT" = 1 ]; then
    check_output "resident" "$k" "$expect" "$(run_once resident "$k" "$CACHE_WARM")"
    T[$k,resident]=$(time_cmd resident "$k" "$runs" 1 "$CACHE_WARM")
    log "$k: resident ${T[$k,resident]} ms (after its first run in the node)"
  fi
done

# ---------------------------------------------------------------- report
fmt_ms() { # median ms -> 1 decimal below 100 ms, integer above
  [ -n "${1:-}" ] || { echo n/a; return; }
  awk -v v="$1" 'BEGIN { if (v < 100) printf "%.1f", v; else printf "%.0f", v }'
}
ratio() { # a/b, 2 decimals
  [ -n "${1:-}" ] && [ -n "${2:-}" ] || { echo n/a; return; }
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}
diff_ms() {
  [ -n "${1:-}" ] && [ -n "${2:-}" ] || { echo n/a; return; }
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.0f", a - b }'
}

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
cpu=${cpu:-$(uname -m)}
if [ "$ARCA_OK" = 1 ]; then
  arca_desc="arca = \`$ARCA run\` (Arca's compiler), chicory = \`$ARCA run --engine chicory\` (Chicory 1.7.5's compiler), each with \`ARCA_CACHE_DIR\` primed by one run (warm cache); cold = cache dir emptied before every run (the module compiled in the run); resident = \`$ARCA run --node DIR\` into a node started once for the whole run (\`arca node start --data DIR\`), the program's first run in the node untimed (hyperfine's warm-up; speedtest1's database emptied before each run), n/a with BENCH_RESIDENT=0."
else
  arca_desc="arca = \`$ARCA run\`: $ARCA_NOTE, so n/a."
fi
quick_note=""
[ "$QUICK" = 1 ] && quick_note=" **QUICK MODE: reduced workloads, not representative.**"

REPORT=$TMP/report.md
row_name() {
  case $1 in
    hello) echo "hello (cold start)" ;;
    speedtest1) echo "SQLite speedtest1 --size $SQ_SIZE" ;;
    lua) echo "Lua 5.4 bench.lua $LUA_REPS" ;;
    *) echo "$1" ;;
  esac
}
{
  printf '**Arca benchmarks** — %s — %s cores, %s — `%s%s`\n\n' \
    "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)" "$cpu" \
    "$([ "$ARCA" != ./arca ] && printf 'ARCA=%q ' "$ARCA")" "$INVOCATION"
  printf 'Median wall time in ms of %s runs (cold start: %s runs; speedtest1 and Lua: %s runs) of the whole process, startup included, timed with hyperfine. ' \
    "$RUNS" "$STARTUP_RUNS" "$PORT_RUNS"
  printf 'native = gcc %s -O2; node = Node %s `node:wasi` on wasm from %s -O2 (speedtest1 and Lua: `arca cc -O2`); %s%s\n\n' \
    "$("$CC_NATIVE" -dumpfullversion 2>/dev/null || "$CC_NATIVE" -dumpversion)" "$(node --version)" \
    "$("$CC_WASM" --version | head -n1 | sed 's/ (.*//; s/^Debian //')" "$arca_desc" "$quick_note"
  echo '| benchmark | native | node | arca | chicory | resident | arca/node | chicory/node | resident/node | arca/native | resident/native | arca/chicory | arca cold | chicory cold | arca cold−warm | chicory cold−warm |'
  echo '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|'
  for k in hello "${KERNELS[@]}" "${PORTS[@]}"; do
    n=${T[$k,native]} o=${T[$k,node]:-} a=${T[$k,arca]:-} c=${T[$k,chicory]:-}
    ac=${T[$k,arcacold]:-} cc=${T[$k,chicorycold]:-} r=${T[$k,resident]:-}
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(row_name "$k")" \
      "$(fmt_ms "$n")" "$(fmt_ms "$o")" "$(fmt_ms "$a")" "$(fmt_ms "$c")" "$(fmt_ms "$r")" \
      "$(ratio "$a" "$o")" "$(ratio "$c" "$o")" "$(ratio "$r" "$o")" "$(ratio "$a" "$n")" "$(ratio "$r" "$n")" "$(ratio "$a" "$c")" \
      "$(fmt_ms "$ac")" "$(fmt_ms "$cc")" "$(diff_ms "$ac" "$a")" "$(diff_ms "$cc" "$c")"
  done
  notes=()
  for k in "${PORTS[@]}"; do [ -n "${NA[$k,node]:-}" ] && notes+=("node cannot run $k: ${NA[$k,node]} (Node 20's V8 lacks the final exception-handling proposal that \`arca cc\` uses for setjmp/longjmp)"); done
  for note in "${PORT_NOTES[@]}"; do notes+=("$note"); done
  [ ${#notes[@]} -gt 0 ] && { echo; printf -- '- %s\n' "${notes[@]}"; }
  true
} >"$REPORT"

cp "$REPORT" bench/results/latest.md
cat "$REPORT"
log "table written to bench/results/latest.md (raw hyperfine JSON in target/bench/json/)"
