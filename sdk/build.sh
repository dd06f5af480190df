#!/usr/bin/env bash
# Builds Arca (mvn install) and its JDK AOT cache, then marks the build current for ./arca.
# Usage: sdk/build.sh [--with-tests]   (the launcher builds without compiling tests)
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
export JAVA_HOME=${ARCA_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
command -v mvn >/dev/null || { echo "arca: Maven (mvn) is needed to build Arca" >&2; exit 125; }
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
cd "$ROOT"
if [ "${1:-}" = "--with-tests" ]; then
  mvn -B -Dstyle.color=never install
else
  echo "arca: building (mvn install)..." >&2
  mvn -q -B -Dstyle.color=never -Dmaven.test.skip=true install >&2
fi
# the client of 'arca run --node' (a resident node runs the program; no JVM starts for it)
if command -v cc >/dev/null; then
  cc -O2 -Wall -Wextra -o cli/target/arca-run cli/src/main/c/arca-run.c >&2 || { echo "arca: building cli/target/arca-run failed" >&2; exit 125; }
else
  echo "arca: note: no C compiler (cc): 'arca run --node' is not available" >&2
fi
# three AOT caches (sdk/aot-train.sh): programs, programs on volumes and images, and the cluster's
# commands (./arca picks one by command and options)
rm -f cli/target/arca.aot cli/target/arca-volume.aot cli/target/arca-cluster.aot
"$ROOT/sdk/aot-train.sh" "$JAVA_HOME/bin/java" "$ROOT/cli/target/arca.jar" "$ROOT/cli/target/arca.aot" >/dev/null 2>&1 \
  || echo "arca: note: no AOT cache was made (start-up will be slower)" >&2
"$ROOT/sdk/aot-train.sh" "$JAVA_HOME/bin/java" "$ROOT/cli/target/arca.jar" "$ROOT/cli/target/arca-volume.aot" volume >/dev/null 2>&1 \
  || echo "arca: note: no AOT cache was made for volumes (their start-up will be slower)" >&2
"$ROOT/sdk/aot-train.sh" "$JAVA_HOME/bin/java" "$ROOT/cli/target/arca.jar" "$ROOT/cli/target/arca-cluster.aot" cluster >/dev/null 2>&1 \
  || echo "arca: note: no AOT cache was made for the cluster's commands (their start-up will be slower)" >&2
touch "$ROOT/cli/target/.built"
