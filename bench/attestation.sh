#!/usr/bin/env bash
# Attestation benchmark, measured in one JVM and one run: verification time per evidence type
# (SGX quote v3, TDX quote v4 and v5, SEV-SNP report, sim; with and without Intel collateral) on
# the vectors of ../shared/attestation-vectors, and a mutual RA-TLS handshake against a plain
# mutual TLS handshake on loopback (fresh full handshakes, no resumption). Medians after as many
# warm-up calls. Prints Markdown and writes bench/results/attestation.md.
#
# usage: bench/attestation.sh      env: BENCH_ITERATIONS (default 200), ATTESTATION_VECTORS
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
N=${BENCH_ITERATIONS:-200}
VECTORS=${ATTESTATION_VECTORS:-$ROOT/../shared/attestation-vectors}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
[ -d "$VECTORS" ] || { echo "attestation.sh: no vectors at $VECTORS (set ATTESTATION_VECTORS)" >&2; exit 1; }
[ -f cli/target/lib/arca-attestation-0.1.0.jar ] || ./arca --version >/dev/null
# the attestation module and what it needs (Jackson), nothing else on the class path
CP=$(ls cli/target/lib/arca-attestation-*.jar cli/target/lib/jackson-*.jar | paste -sd:)
CONFIG=$(mktemp -d); trap 'rm -rf "$CONFIG"' EXIT
mkdir -p bench/results
{
  echo "**Attestation** — $(date -u '+%Y-%m-%d %H:%M UTC') — $(nproc) cores, $("$JAVA" -version 2>&1 | head -1) — \`bench/attestation.sh\`, $N timed calls after $N warm-up, one JVM, load average $(cut -d" " -f1 /proc/loadavg) at the start"
  echo
  "$JAVA" -cp "$CP" bench/src/AttestationBench.java "$VECTORS" "$CONFIG" "$N"
} | tee bench/results/attestation.md
