#!/usr/bin/env bash
# Threads in Arca against Linux, in one run:
#  - bench/src/threads.c built with gcc -O2 -pthread and arca cc -O2 -pthread, figures measured
#    inside the program (JVM start-up is not in them): pthread_create+pthread_join latency, mutex
#    lock+unlock uncontended and contended by two threads, and a compute kernel (Mandelbrot rows)
#    on 1 and 2 threads, whose speed-up is the figure (goal: at least 1.8x in Arca, as natively);
#  - bench/src/threads.cpp built with g++ -O2 -pthread and arca c++ -O2 -pthread, the same way: the
#    C++ library's std::thread construction+join and std::mutex lock+unlock (uncontended);
#  - redis-benchmark -t set,get (Debian's redis-tools) against Redis 7.0.15 natively and in Arca
#    (the same build as tests/ports: ports/redis/build.sh), both started with
#    --save "" --appendonly no (goal: Arca at least 0.5x native requests/s).
# Native and Arca take turns, RUNS (default 3) times; each figure is the median.
# Prints one Markdown table (also written to bench/results/threads.md); raw outputs in
# target/bench/threads/. Options (environment): RUNS (3), REDIS_N (100000 requests), REDIS=0
# leaves Redis out, REDIS_WASM=FILE measures that redis-server module instead of building one.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/target/bench/threads"
BIN="$ROOT/target/ports/bin"
ARCA="$ROOT/arca"
RUNS=${RUNS:-3}
REDIS_N_SET=${REDIS_N:-}; REDIS_N=${REDIS_N:-100000}
mkdir -p "$OUT"
rm -f "$OUT"/*.txt
gcc -O2 -ffp-contract=off -pthread -o "$OUT/threads" "$ROOT/bench/src/threads.c"
"$ARCA" cc -O2 -ffp-contract=off -pthread -o "$OUT/threads.wasm" "$ROOT/bench/src/threads.c"
g++ -O2 -pthread -o "$OUT/threads-cxx" "$ROOT/bench/src/threads.cpp"
"$ARCA" c++ -O2 -pthread -o "$OUT/threads-cxx.wasm" "$ROOT/bench/src/threads.cpp"
REDIS_WASM=${REDIS_WASM:-}; REDIS_WASM_SET=$REDIS_WASM
if [ "${REDIS:-1}" != 0 ]; then
  [ -n "$REDIS_WASM" ] || { "$ROOT/ports/redis/build.sh"; REDIS_WASM="$BIN/redis-server.wasm"; }
  command -v redis-benchmark >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-tools >/dev/null
fi

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
num() { grep -oE '[0-9]+(\.[0-9]+)?' | head -1; }
# run NAME ARGS...: once natively and once in Arca, the first number of each output appended
# (PROG=threads-cxx: the C++ program)
run() {
  local name=$1 prog=${PROG:-threads}; shift
  "$OUT/$prog" "$@" | tee -a "$OUT/raw.log" | num >> "$OUT/$name.native.txt"
  "$ARCA" run "$OUT/$prog.wasm" "$@" | tee -a "$OUT/raw.log" | num >> "$OUT/$name.arca.txt"
}
checksums() { grep -h -oE 'checksum [0-9]+' "$OUT/raw.log" | sort -u | wc -l; }
: > "$OUT/raw.log"
for i in $(seq "$RUNS"); do
  run create create 2000
  run mutex mutex 20000000
  run contended contended 2000000
  run compute1 compute 1 1200
  run compute2 compute 2 1200
  PROG=threads-cxx run cxxcreate create 2000
  PROG=threads-cxx run cxxmutex mutex 20000000
done
[ "$(checksums)" = 1 ] || { echo "threads.sh: the compute kernel's checksum differs between runs" >&2; exit 1; }

# --- Redis: one server natively and one in Arca, redis-benchmark against each in turn
redis_rps() {  # redis_rps PORT: "SET GET" requests per second
  redis-benchmark -p "$1" -t set,get -n "$REDIS_N" -q 2>&1 | tr '\r' '\n' |
    sed -nE 's/^(SET|GET): ([0-9.]+) requests per second.*/\2/p' | paste -sd' '
}
if [ "${REDIS:-1}" != 0 ]; then
  read -r RN RA <<< "$(python3 -c 'import socket
ss=[socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1",0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')"
  T=$(mktemp -d /tmp/arca-threadbench.XXXXXX)
  pids=()
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"' EXIT
  mkdir -p "$T/n" "$T/a"
  (cd "$T/n" && exec "$BIN/redis-server" --port "$RN" --bind 127.0.0.1 --save "" --appendonly no) > "$OUT/redis-native.log" 2>&1 & pids+=($!)
  "$ARCA" run --listen "$RA" --dir "$T/a::/" "$REDIS_WASM" --port "$RA" --bind 127.0.0.1 --save "" --appendonly no > "$OUT/redis-arca.log" 2>&1 & pids+=($!)
  for p in "$RN" "$RA"; do
    for _ in $(seq 1 240); do [ "$(redis-cli -p "$p" PING 2>/dev/null)" = PONG ] && break; sleep 0.25; done
  done
  redis_rps "$RA" > /dev/null  # warm-up: the JIT compiles the server's paths
  for i in $(seq "$RUNS"); do
    read -r s g <<< "$(redis_rps "$RN")"; echo "$s" >> "$OUT/set.native.txt"; echo "$g" >> "$OUT/get.native.txt"
    read -r s g <<< "$(redis_rps "$RA")"; echo "$s" >> "$OUT/set.arca.txt"; echo "$g" >> "$OUT/get.arca.txt"
  done
fi

m() { median < "$OUT/$1.txt"; }
all() { paste -sd' ' "$OUT/$1.txt"; }
r() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
{
cmd="RUNS=$RUNS${REDIS_N_SET:+ REDIS_N=$REDIS_N}${REDIS_WASM_SET:+ REDIS_WASM=$REDIS_WASM} bench/threads.sh"
echo "**Threads** — $(date -u '+%Y-%m-%d %H:%M UTC') — $(nproc) cores — \`$cmd\`, medians of $RUNS, native and Arca in turn"
echo
echo "| benchmark | Linux (native) | Arca | ratio |"
echo "|---|--:|--:|--:|"
echo "| pthread_create+join latency (µs), mean of 2,000 | $(m create.native) | $(m create.arca) | Linux/Arca $(r "$(m create.native)" "$(m create.arca)")x |"
echo "| mutex lock+unlock, uncontended (ns) | $(m mutex.native) | $(m mutex.arca) | Linux/Arca $(r "$(m mutex.native)" "$(m mutex.arca)")x |"
echo "| std::thread create+join latency (µs), mean of 2,000 | $(m cxxcreate.native) | $(m cxxcreate.arca) | Linux/Arca $(r "$(m cxxcreate.native)" "$(m cxxcreate.arca)")x |"
echo "| std::mutex lock+unlock, uncontended (ns) | $(m cxxmutex.native) | $(m cxxmutex.arca) | Linux/Arca $(r "$(m cxxmutex.native)" "$(m cxxmutex.arca)")x |"
echo "| mutex lock+unlock, 2 threads contending (ns) | $(m contended.native) | $(m contended.arca) | Linux/Arca $(r "$(m contended.native)" "$(m contended.arca)")x |"
echo "| Mandelbrot 1200 rows, 1 thread (ms) | $(m compute1.native) | $(m compute1.arca) | Linux/Arca $(r "$(m compute1.native)" "$(m compute1.arca)")x |"
echo "| Mandelbrot 1200 rows, 2 threads (ms) | $(m compute2.native) | $(m compute2.arca) | Linux/Arca $(r "$(m compute2.native)" "$(m compute2.arca)")x |"
echo "| speed-up of 2 threads over 1 (goal ≥ 1.8x) | $(r "$(m compute1.native)" "$(m compute2.native)")x | $(r "$(m compute1.arca)" "$(m compute2.arca)")x | |"
if [ "${REDIS:-1}" != 0 ]; then
echo "| redis-benchmark -t set -n $REDIS_N (requests/s) | $(m set.native) | $(m set.arca) | Arca/Linux $(r "$(m set.arca)" "$(m set.native)")x (goal ≥ 0.5x) |"
echo "| redis-benchmark -t get -n $REDIS_N (requests/s) | $(m get.native) | $(m get.arca) | Arca/Linux $(r "$(m get.arca)" "$(m get.native)")x (goal ≥ 0.5x) |"
fi
echo
echo "(every run, Linux / Arca — create µs: $(all create.native) / $(all create.arca); mutex ns: $(all mutex.native) / $(all mutex.arca); std::thread µs: $(all cxxcreate.native) / $(all cxxcreate.arca); std::mutex ns: $(all cxxmutex.native) / $(all cxxmutex.arca); contended ns: $(all contended.native) / $(all contended.arca); 1 thread ms: $(all compute1.native) / $(all compute1.arca); 2 threads ms: $(all compute2.native) / $(all compute2.arca)$(
  [ "${REDIS:-1}" = 0 ] || echo "; SET/s: $(all set.native) / $(all set.arca); GET/s: $(all get.native) / $(all get.arca)"); load average $(cut -d' ' -f1-3 /proc/loadavg))"
} | tee "$ROOT/bench/results/threads.md"
