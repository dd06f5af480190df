#!/usr/bin/env bash
# Linearizability checker benchmark, in one run: Arca's checker (cluster/, dev.arca.cluster.linearizability)
# against Porcupine (Go), the checker it is modelled on, on the same histories: the largest of
# Porcupine's Jepsen etcd histories, all 102 of them, and simulated key-value runs of 10,000
# operations by 8 clients (10 keys, and 1 key). Times are medians of in-process runs after warm-up
# (history parsing excluded): Arca's in one JVM, Porcupine's by `go test -bench`. Also the wall time
# of the command a shell test runs (`Check FILE`, JVM start included). Prints Markdown and writes
# bench/results/lincheck.md.
#
# usage: bench/lincheck.sh     env: PORCUPINE_GIT (a bare clone of github.com/anishathalye/porcupine;
#                                   default ../.mirror/anishathalye+porcupine/repo above the repo)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
GIT=${PORCUPINE_GIT:-}
if [ -z "$GIT" ]; then
  for d in "$ROOT/.." "$ROOT/../.." "$ROOT/../../.."; do
    [ -d "$d/.mirror/anishathalye+porcupine/repo" ] && { GIT=$(cd "$d/.mirror/anishathalye+porcupine/repo" && pwd); break; }
  done
fi
[ -n "$GIT" ] && [ -d "$GIT" ] || { echo "lincheck.sh: no copy of Porcupine (set PORCUPINE_GIT to a bare clone)" >&2; exit 1; }
if ! command -v go >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "lincheck.sh: needs Go (apt-get install golang-go)" >&2; exit 1; }
  apt-get install -y -qq golang-go >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq golang-go >/dev/null; }
fi
command -v hyperfine >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq hyperfine >/dev/null 2>&1; } || true
ls cluster/target/arca-cluster-*.jar cli/target/lib/jackson-databind-*.jar >/dev/null 2>&1 || ./arca --version >/dev/null
CP=$(ls cluster/target/arca-cluster-*.jar cli/target/lib/jackson-*.jar | paste -sd:)
WORK="$ROOT/target/bench/lincheck"
rm -rf "$WORK" && mkdir -p "$WORK/porcupine" "$WORK/histories"
git --git-dir="$GIT" archive HEAD | tar -x -C "$WORK/porcupine"
cp bench/src/porcupine_arca_bench_test.go "$WORK/porcupine/"
"$JAVA" -cp "$CP" bench/src/LincheckBench.java generate "$WORK/histories"

largest=$(cd "$WORK/porcupine/test_data/jepsen" && wc -l etcd_*.log | grep -v total | sort -k1,1nr -k2,2 | head -1 | awk '{print $2}')
echo "Porcupine (go test -bench)..." >&2
(cd "$WORK/porcupine" && GOFLAGS=-mod=mod GOTOOLCHAIN=local GOPROXY=off ARCA_ETCD_LARGEST="test_data/jepsen/$largest" \
   ARCA_KV_DIR="$WORK/histories" go test -run '^$' -bench 'BenchmarkArca' -benchtime 2s . ) > "$WORK/go.txt"
awk '/^BenchmarkArca/ { n=$1; sub(/-[0-9]+$/, "", n); ms=$3/1e6;
  m["BenchmarkArcaEtcdLargest"]="etcd-largest"; m["BenchmarkArcaEtcdAll"]="etcd-all";
  m["BenchmarkArcaKv10k10keys"]="kv-10000-8c-10k"; m["BenchmarkArcaKv10k1key"]="kv-10000-8c-1k"; print m[n], ms }' "$WORK/go.txt" > "$WORK/go-ms.txt"
echo "Arca (one JVM)..." >&2
load=$(cut -d" " -f1 /proc/loadavg)
table=$("$JAVA" -cp "$CP" bench/src/LincheckBench.java time "$WORK/porcupine/test_data/jepsen" "$WORK/histories" "$WORK/go-ms.txt")
cli=""
if command -v hyperfine >/dev/null; then
  for f in "--format jepsen-etcd $WORK/porcupine/test_data/jepsen/$largest" "$WORK/histories/kv-10000-8c-10k.jsonl" "$WORK/histories/kv-10000-8c-1k.jsonl"; do
    hyperfine -N -i --runs 5 --export-json "$WORK/cli.json" "$JAVA -cp $CP dev.arca.cluster.linearizability.Check $f" >/dev/null 2>&1
    ms=$(python3 -c "import json;print('%.0f' % (json.load(open('$WORK/cli.json'))['results'][0]['median']*1000))")
    cli+="| \`Check ${f/$WORK\//}\` | $ms |"$'\n'
  done
fi
mkdir -p bench/results
{
  echo "**Linearizability checker** — $(date -u '+%Y-%m-%d %H:%M UTC') — $(nproc) cores, $("$JAVA" -version 2>&1 | head -1), $(go version | cut -d' ' -f3) — \`bench/lincheck.sh\`, load average $load at the start of the Arca runs"
  echo
  echo "$table"
  if [ -n "$cli" ]; then
    echo
    echo "Whole command, JVM start included (hyperfine, median of 5):"
    echo
    echo "| command | ms |"
    echo "|---|---:|"
    printf '%s' "$cli"
  fi
} | tee bench/results/lincheck.md
