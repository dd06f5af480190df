#!/usr/bin/env bash
# Which linear-memory implementation Arca should use: runs the compute kernels of bench/ in Arca
# with Chicory's ByteArrayMemory and with its default ByteBufferMemory (warm module cache, same
# run, medians of hyperfine) and prints one Markdown table. Run bench/run.sh first (it builds the
# kernels into target/bench/wasm).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W="$ROOT/target/bench/wasm"
RUNS=${BENCH_RUNS:-5}
[ -f "$W/mix.wasm" ] || { echo "memory-impl.sh: build the kernels first (bench/run.sh --quick)" >&2; exit 1; }
command -v hyperfine >/dev/null || apt-get install -y -q hyperfine >/dev/null
cache=$(mktemp -d); trap 'rm -rf "$cache"' EXIT
export ARCA_CACHE_DIR=$cache
echo "**Linear memory implementation** — $(date -u '+%Y-%m-%d %H:%M UTC') — $(nproc) cores — \`bench/memory-impl.sh\`, median of $RUNS runs, warm cache"
echo
echo "| kernel | ByteArrayMemory ms | ByteBufferMemory ms | ByteBuffer/ByteArray |"
echo "|---|--:|--:|--:|"
for k in crc32 matmul sort strsearch mix; do
  for impl in BYTE_ARRAY BYTE_BUFFER; do "$ROOT/arca" run --memory-impl "$impl" "$W/$k.wasm" >/dev/null; done
  hyperfine -N -r "$RUNS" --export-json "$cache/$k.json" \
    "$ROOT/arca run --memory-impl BYTE_ARRAY $W/$k.wasm" \
    "$ROOT/arca run --memory-impl BYTE_BUFFER $W/$k.wasm" >/dev/null 2>&1
  python3 - "$cache/$k.json" "$k" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
a, b = (x["median"] * 1000 for x in r)
print(f"| {sys.argv[2]} | {a:.0f} | {b:.0f} | {b / a:.2f} |")
PY
done
