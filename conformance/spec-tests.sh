#!/usr/bin/env bash
# The WebAssembly specification tests against Arca's engines (engine/src/test/.../SpecTestRunner).
# Reads the core .wast files of WebAssembly/testsuite, and those of its threads proposal
# (proposals/threads: atomics, shared memories, wait and notify, as threads-*), at a pinned
# commit from a git mirror (SPEC_TESTSUITE_GIT, default the mirror this machine keeps), converts them with Debian's
# wabt wast2json (installed with apt-get when missing), and runs every command in Arca's compiler
# and in Chicory's. Ends with "N passed, M failed": M counts the commands Chicory passes and Arca
# does not. SKIP when no mirror is at hand. Needs `mvn install` with tests first (./test does it).
#
# usage: conformance/spec-tests.sh [arca|chicory ...]     env: SPEC_ONLY=REGEX (file names), SPEC_VERBOSE=1
set -uo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
export JAVA_HOME=${ARCA_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
GIT=${SPEC_TESTSUITE_GIT:-/work/.mirror/WebAssembly+testsuite/repo}
# The newest commit whose core tests Debian's wast2json (wabt 1.0.32) reads: later commits
# rewrote most core files in WebAssembly 3.0 syntax that it cannot parse.
COMMIT=${SPEC_TESTSUITE_COMMIT:-970d36b}
OUT="$ROOT/target/spec-tests"

if ! git --git-dir="$GIT" rev-parse -q --verify "$COMMIT^{commit}" >/dev/null 2>&1; then
  echo "SKIP spec tests: no WebAssembly/testsuite mirror with commit $COMMIT at $GIT (set SPEC_TESTSUITE_GIT)"
  echo "0 passed, 0 failed"
  exit 0
fi
if ! command -v wast2json >/dev/null; then
  apt-get install -y -q wabt >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q wabt >/dev/null 2>&1; } \
    || { echo "spec tests: wast2json missing and apt-get install wabt failed"; echo "0 passed, 1 failed"; exit 1; }
fi
[ -d "$ROOT/engine/target/test-classes" ] && [ -d "$ROOT/cli/target/lib" ] \
  || { echo "spec tests: build Arca with tests first (sdk/build.sh --with-tests)"; echo "0 passed, 1 failed"; exit 1; }

rm -rf "$OUT" && mkdir -p "$OUT/wast" "$OUT/json"
git --git-dir="$GIT" archive "$COMMIT" | tar -x -C "$OUT/wast" --wildcards '*.wast' --exclude 'proposals/*' --exclude 'legacy/*'
unconverted=()
for f in "$OUT"/wast/*.wast; do
  name=$(basename "$f" .wast)
  mkdir -p "$OUT/json/$name"
  if ! (cd "$OUT/json/$name" && wast2json --enable-all "$f" -o "$name.json" >/dev/null 2>&1); then
    unconverted+=("$name")
    rm -rf "$OUT/json/$name"
  fi
done
echo "testsuite $COMMIT: $(ls "$OUT"/wast/*.wast | wc -l) core .wast files; wast2json 1.0.32 cannot read: ${unconverted[*]:-none}"
# the threads proposal's tests (atomics, shared memories), named threads-* beside the core ones
git --git-dir="$GIT" archive "$COMMIT" proposals/threads | tar -x -C "$OUT/wast"
for f in "$OUT"/wast/proposals/threads/*.wast; do
  name=threads-$(basename "$f" .wast)
  mkdir -p "$OUT/json/$name"
  if ! (cd "$OUT/json/$name" && wast2json --enable-threads "$f" -o "$name.json" >/dev/null 2>&1); then
    echo "threads proposal: wast2json cannot read $(basename "$f")"
    rm -rf "$OUT/json/$name"
  fi
done
"$JAVA_HOME/bin/java" -Xss16m -XX:+UseSerialGC -cp "$ROOT/engine/target/test-classes:$ROOT/cli/target/lib/*" \
  dev.arca.engine.spec.SpecTestRunner "$OUT/json" "$@"
