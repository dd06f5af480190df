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
set -euo pipefail

die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }
log() { printf 'bench: %s\n' "$*" >&2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
INVOCATION="bench/run.sh${*:+ $*}"

RUNS=${BENCH_RUNS:-5}
STARTUP_RUNS=${BENCH_STARTUP_RUNS:-20}
ARCA=${ARCA:-./arca}
ALL_KERNELS=(crc32 matmul sort strsearch mix)
KERNELS=("${ALL_KERNELS[@]}")
QUICK=0

while [ $# -gt 0 ]; do
  case $1 in
    --runs) RUNS=${2:?--runs needs a value}; shift 2 ;;
    --startup-runs) STARTUP_RUNS=${2:?--startup-runs needs a value}; shift 2 ;;
    --only) IFS=, read -r -a KERNELS <<<"${2:?--only needs a list}"; shift 2 ;;
    --quick) QUICK=1; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (try --help)" ;;
  esac
done
if [ "$QUICK" = 1 ]; then
  RUNS=${BENCH_RUNS:-3}
  STARTUP_RUNS=${BENCH_STARTUP_RUNS:-5}
fi
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "runs must be a positive integer, got '$RUNS'"
[[ $STARTUP_RUNS =~ ^[1-9][0-9]*$ ]] || die "startup runs must be a positive integer, got '$STARTUP_RUNS'"
for k in "${KERNELS[@]}"; do
  [[ " ${ALL_KERNELS[*]} " == *" $k "* ]] || die "unknown kernel '$k' (have: ${ALL_KERNELS[*]})"
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
trap 'rm -rf "$TMP"' EXIT

# ---------------------------------------------------------------- build
log "building native (gcc ${CFLAGS[*]}) and wasm ($CC_WASM ${CFLAGS[*]}) into target/bench"
for k in hello "${KERNELS[@]}"; do
  src=bench/src/$k.c
  "$CC_NATIVE" "${CFLAGS[@]}" -o "$OUT/native/$k" "$src" -lm || die "native build of $src failed"
  "$CC_WASM" "${WASM_FLAGS[@]}" "${CFLAGS[@]}" -o "$OUT/wasm/$k.wasm" "$src" -lm || die "wasm build of $src failed"
done

# ---------------------------------------------------------------- commands
NODE_CMD=(node --no-warnings bench/node-wasi.mjs)
read -r -a ARCA_CMD <<<"$ARCA"
[ ${#ARCA_CMD[@]} -gt 0 ] || die "ARCA is empty"
CACHE_WARM=$TMP/cache-warm   # ARCA_CACHE_DIR for the warm-cache column (primed once per program)
CACHE_COLD=$TMP/cache-cold   # ARCA_CACHE_DIR for the cold-cache column (emptied before every run)
mkdir -p "$CACHE_WARM" "$CACHE_COLD"

# cmd_for RUNTIME NAME -> prints argv words, one per line
cmd_for() {
  local rt=$1 k=$2 extra=()
  [ "$QUICK" = 1 ] && [ "$k" != hello ] && extra=("$(quick_reps "$k")")
  case $rt in
    native) printf '%s\n' "$OUT/native/$k" "${extra[@]}" ;;
    node) printf '%s\n' "${NODE_CMD[@]}" "$OUT/wasm/$k.wasm" "${extra[@]}" ;;
    arca) printf '%s\n' "${ARCA_CMD[@]}" run "$OUT/wasm/$k.wasm" "${extra[@]}" ;;
  esac
}

# run_once RUNTIME NAME [CACHE_DIR] -> program stdout; dies on failure
run_once() {
  local rt=$1 k=$2 cache=${3:-$CACHE_WARM} argv out
  mapfile -t argv < <(cmd_for "$rt" "$k")
  if ! out=$(ARCA_CACHE_DIR=$cache "${argv[@]}" 2>"$TMP/stderr"); then
    cat "$TMP/stderr" >&2
    die "$rt run of $k failed: ${argv[*]}"
  fi
  printf '%s' "$out"
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

# ---------------------------------------------------------------- measure
declare -A T  # T[name,column] = median ms
EMPTY_CACHE_WARNED=0
for k in hello "${KERNELS[@]}"; do
  if [ "$k" = hello ]; then runs=$STARTUP_RUNS warm=3; else runs=$RUNS warm=1; fi
  expect=$(run_once native "$k")
  check_output node "$k" "$expect" "$(run_once node "$k")"
  log "$k: output '$expect' (native = node)"
  T[$k,native]=$(time_cmd native "$k" "$runs" "$warm")
  log "$k: native ${T[$k,native]} ms"
  T[$k,node]=$(time_cmd node "$k" "$runs" "$warm")
  log "$k: node   ${T[$k,node]} ms"
  if [ "$ARCA_OK" = 1 ]; then
    # Cold-cache path first (this run also primes the warm cache), then the
    # warm-cache path; both outputs must match native.
    check_output "arca (cold cache)" "$k" "$expect" "$(run_once arca "$k" "$CACHE_WARM")"
    check_output "arca (warm cache)" "$k" "$expect" "$(run_once arca "$k" "$CACHE_WARM")"
    if [ "$EMPTY_CACHE_WARNED" = 0 ] && [ -z "$(ls -A "$CACHE_WARM")" ]; then
      log "WARNING: ARCA_CACHE_DIR ($CACHE_WARM) is still empty after a priming run;" \
          "warm and cold cache numbers will be the same"
      EMPTY_CACHE_WARNED=1
    fi
    T[$k,arca]=$(time_cmd arca "$k" "$runs" 0 "$CACHE_WARM")
    log "$k: arca   ${T[$k,arca]} ms (warm cache)"
    T[$k,arcacold]=$(time_cmd arca "$k" "$runs" 0 "$CACHE_COLD" \
      "$(printf '%q ' find "$CACHE_COLD" -mindepth 1 -delete)")
    log "$k: arca   ${T[$k,arcacold]} ms (cold cache)"
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
  arca_desc="arca = \`$ARCA run\` with \`ARCA_CACHE_DIR\` primed by one run (warm cache); arca cold = cache dir emptied before every run."
else
  arca_desc="arca = \`$ARCA run\`: $ARCA_NOTE, so n/a."
fi
quick_note=""
[ "$QUICK" = 1 ] && quick_note=" **QUICK MODE: reduced workloads, not representative.**"

REPORT=$TMP/report.md
{
  printf '**Arca benchmarks** — %s — %s cores, %s — `%s%s`\n\n' \
    "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)" "$cpu" \
    "$([ "$ARCA" != ./arca ] && printf 'ARCA=%q ' "$ARCA")" "$INVOCATION"
  printf 'Median wall time in ms of %s runs (cold start: %s runs) of the whole process, startup included, timed with hyperfine. ' \
    "$RUNS" "$STARTUP_RUNS"
  printf 'native = gcc %s -O2; node = Node %s `node:wasi` on wasm from %s -O2; %s%s\n\n' \
    "$("$CC_NATIVE" -dumpfullversion 2>/dev/null || "$CC_NATIVE" -dumpversion)" "$(node --version)" \
    "$("$CC_WASM" --version | head -n1 | sed 's/ (.*//; s/^Debian //')" "$arca_desc" "$quick_note"
  echo '| benchmark | native | node | arca | arca cold | node/native | arca/native | arca/node | arca cold−warm |'
  echo '|---|--:|--:|--:|--:|--:|--:|--:|--:|'
  for k in hello "${KERNELS[@]}"; do
    name=$k
    [ "$k" = hello ] && name="hello (cold start)"
    n=${T[$k,native]} o=${T[$k,node]} a=${T[$k,arca]:-} c=${T[$k,arcacold]:-}
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" \
      "$(fmt_ms "$n")" "$(fmt_ms "$o")" "$(fmt_ms "$a")" "$(fmt_ms "$c")" \
      "$(ratio "$o" "$n")" "$(ratio "$a" "$n")" "$(ratio "$a" "$o")" "$(diff_ms "$c" "$a")"
  done
} >"$REPORT"

cp "$REPORT" bench/results/latest.md
cat "$REPORT"
log "table written to bench/results/latest.md (raw hyperfine JSON in target/bench/json/)"
