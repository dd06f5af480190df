#!/usr/bin/env bash
# ./arca demo: builds the demo programs from demo/*.c for wasm32-wasi and runs them in Arca.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
ARCA="$ROOT/arca"
OUT="$ROOT/target/demo"
"$ROOT/sdk/install-toolchain.sh"
mkdir -p "$OUT"
for c in "$ROOT"/demo/*.c; do
  n=$(basename "$c" .c)
  [ "$OUT/$n.wasm" -nt "$c" ] || "$ROOT/arca" cc -O2 -o "$OUT/$n.wasm" "$c"
done
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ arca %s\n' "$*" | sed "s#$OUT/##g; s#$data#HOST_DIR#g"; "$ARCA" "$@" 2>&1 || echo "(exit status $?)"; }

say "1. An unmodified C program keeps a ledger in a host directory mounted at /books"
run run --dir "$data::/books" --env LEDGER_DIR=/books "$OUT/ledger.wasm" add alice 125.50
( cd "$data" && "$ARCA" run --dir .::/ "$OUT/ledger.wasm" add bob 80 >/dev/null )
run run --dir "$data::/" "$OUT/ledger.wasm" add alice -20.25
run run --dir "$data::/" "$OUT/ledger.wasm" report
echo "host side: $(ls "$data") ($(wc -l < "$data/ledger.log") lines)"

say "2. The sandbox: nothing outside the mounted directory is reachable"
run run --dir "$data::/" "$OUT/escape.wasm"

say "3. A bug in the guest is a trap: one line, the guest function named, the JVM unharmed"
run run "$OUT/crash.wasm"

say "4. Limits from a manifest: a runaway guest is stopped at its CPU budget"
run run --manifest "$ROOT/demo/spin.json"

say "5. Processes: producer | filter | consumer, three Arca processes joined by pipes"
run run --ro-dir "$OUT::/bin" "$OUT/pipeline.wasm"

say "6. SQLite 3.40.1, unmodified (Debian's source package), built with 'arca cc'"
if "$ROOT/ports/sqlite3/build.sh" >/dev/null 2>&1; then
  run run --dir "$data::/" "$ROOT/target/ports/bin/speedtest1.wasm" --size 1 bench.db | tail -4
else
  echo "(skipped: the SQLite source package could not be fetched here)"
fi

say "Done. Every program above ran as an isolated Arca process inside one JVM."
