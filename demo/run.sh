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
  [ "$n" = bank ] && continue  # over SQLite's amalgamation: demo/bank-build.sh builds it
  flags=(-O2); grep -q '<pthread.h>' "$c" && flags+=(-pthread) # a threaded program
  [ "$OUT/$n.wasm" -nt "$c" ] || "$ROOT/arca" cc "${flags[@]}" -o "$OUT/$n.wasm" "$c"
done
# the intruder: the teller's code with one line more, so another measurement
[ "$OUT/intruder.wasm" -nt "$ROOT/demo/teller.c" ] || "$ROOT/arca" cc -O2 -DINTRUDER -o "$OUT/intruder.wasm" "$ROOT/demo/teller.c"
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

say "7. A service: an unmodified socket server in Arca answers curl, and a second instance reaches it over attested TLS"
# two free ports: one plain (for curl), one that the manifest marks ra-tls (the program does not know)
free_port() { local p=$1; while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done; echo "$p"; }
web=$(free_port 18080); tls=$(free_port $((web + 1)))
[ "$tls" = "$web" ] && tls=$(free_port $((web + 2)))
svc="$data/svc"; mkdir -p "$svc"
cp "$OUT/ledgerd.wasm" "$OUT/teller.wasm" "$OUT/intruder.wasm" "$svc/"
cat > "$svc/ledgerd.json" <<JSON
{"entry": "ledgerd.wasm", "args": ["$web", "$tls"],
 "network": {"listen": [{"port": $web}, {"port": $tls, "tls": "ra-tls", "policy": "tellers.json"}]}}
JSON
for who in teller intruder; do
  cat > "$svc/$who.json" <<JSON
{"entry": "$who.wasm", "args": ["127.0.0.1", "$tls", "alice", "bob", "250"],
 "network": {"connect": [{"host": "127.0.0.1", "port": $tls, "tls": "ra-tls", "policy": "ledger.json"}]}}
JSON
done
# each side trusts the other's measurement (sim evidence here: development only)
m_teller=$("$ARCA" measure --manifest "$svc/teller.json" | head -1)
m_ledger=$("$ARCA" measure --manifest "$svc/ledgerd.json" | head -1)
echo "{\"allowedMeasurements\": [\"$m_teller\"], \"allowSim\": true}" > "$svc/tellers.json"
echo "{\"allowedMeasurements\": [\"$m_ledger\"], \"allowSim\": true}" > "$svc/ledger.json"
echo "ledger's measurement ${m_ledger:0:16}...  teller's ${m_teller:0:16}...  intruder's $("$ARCA" measure --manifest "$svc/intruder.json" | head -1 | cut -c1-16)..."
"$ARCA" run --manifest "$svc/ledgerd.json" > "$data/ledgerd.out" 2>&1 &
ledger_pid=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$web") 2>/dev/null && break; sleep 0.1; done
printf '$ curl http://127.0.0.1:%s/balances\n' "$web"
curl -s --max-time 10 "http://127.0.0.1:$web/balances" || echo "(curl failed)"
run run --manifest "$svc/teller.json"
run run --manifest "$svc/intruder.json"
printf '$ curl http://127.0.0.1:%s/balances\n' "$web"
curl -s --max-time 10 "http://127.0.0.1:$web/balances" || echo "(curl failed)"
kill "$ledger_pid" 2>/dev/null; wait "$ledger_pid" 2>/dev/null || true
echo "the ledger's own log:"; sed 's/^/  /' "$data/ledgerd.out"

say "8. Threads: a Monte Carlo risk model on 1, then 2 POSIX threads, both cores busy, the same price"
run run "$OUT/risk.wasm" 8000000

say "9. C++: QuantLib 1.29 (Debian's source, unmodified, with Boost) prices an option inside Arca"
# from the QuantLib build cache (ports/quantlib): built once, it takes long, so the demo never builds it
if QL=$("$ROOT/ports/quantlib/cache.sh" 2>/dev/null); then
  if [ ! "$OUT/option.wasm" -nt "$ROOT/demo/option.cpp" ] || [ "$(cat "$OUT/option.wasm.ql" 2>/dev/null)" != "$QL" ]; then
    # shellcheck disable=SC2046
    "$ROOT/arca" c++ -O2 $(cat "$QL/wasm/cxxflags") -o "$OUT/option.wasm" "$ROOT/demo/option.cpp" $(cat "$QL/wasm/libs") &&
      echo "$QL" > "$OUT/option.wasm.ql" || rm -f "$OUT/option.wasm"
  fi
  if [ -f "$OUT/option.wasm" ]; then run run "$OUT/option.wasm"; else echo "(demo/option.cpp did not build: see above)"; fi
else
  echo "(skipped: QuantLib is not built for this toolchain yet; build it once with ports/quantlib/build.sh: about 65 CPU-minutes, an hour or more on 2 cores)"
fi

say "10. A confidential ledger (SQLite, unmodified) on a 3-node cluster survives kill -9 of its node"
"$ROOT/demo/cluster-ledger.sh" || echo "(exit status $?)"

say "Done. Every program above ran as an isolated Arca process inside one JVM."
