#!/usr/bin/env bash
# The runtime's measurement is a function of the source: a second build of this checkout's files,
# in another directory, measures the same as this one (`arca measure`: SHA-256 over the runtime's
# jars, docs/attestation.md), jar by jar, so a verifier can compute the measurement it must
# allow from the source alone. Before 2026-12-05 every build differed (the jars carried the build
# time). Prints PASS/FAIL per case and "N passed, M failed".
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass+1)); echo "PASS $1"; }
bad() { fail=$((fail+1)); echo "FAIL $1: $2"; }

"$REPO/arca" --version >/dev/null || { echo "FAIL build"; echo "0 passed, 1 failed"; exit 1; }
# this checkout's files as they are (committed or not), built again elsewhere: nothing shared but the Maven repository
mkdir -p "$T/src"
(cd "$REPO" && git ls-files -z | tar --null -T - -cf - 2>/dev/null) | tar -xf - -C "$T/src"
if ! (cd "$T/src" && mvn -o -q package -DskipTests >"$T/build.log" 2>&1); then
  bad "second build" "mvn package failed: $(grep -m3 ERROR "$T/build.log")"
  echo "$pass passed, $fail failed"
  exit 1
fi
measure() { "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$1/cli/target/arca.jar" measure --json 2>/dev/null; }
measure "$REPO" >"$T/a.json"
measure "$T/src" >"$T/b.json"
field() { grep -o "\"$1\" : \"[0-9a-f]*\"" "$2" | head -1 | sed 's/.*: "//; s/"//'; }
ra=$(field runtime "$T/a.json"); rb=$(field runtime "$T/b.json")
if [ -z "$ra" ]; then
  bad "measure" "arca measure printed no runtime: $(head -3 "$T/a.json")"
elif [ "$ra" = "$rb" ]; then
  ok "a second build measures the same runtime ($ra)"
else
  bad "runtime" "this build $ra, a second build of the same files $rb; jars that differ: $(diff <(grep '\.jar"' "$T/a.json") <(grep '\.jar"' "$T/b.json") | grep '^<' | sed 's/[<":]//g' | awk '{print $1}' | tr '\n' ' ')"
fi
# and each of Arca's own jars byte for byte (the measurement names them; this names the first that differs)
same=0 differ=()
for j in "$REPO"/cli/target/arca.jar "$REPO"/cli/target/lib/arca-*.jar; do
  b=$T/src/${j#"$REPO"/}
  if cmp -s "$j" "$b"; then same=$((same+1)); else differ+=("$(basename "$j")"); fi
done
if [ ${#differ[@]} -eq 0 ] && [ "$same" -ge 10 ]; then
  ok "Arca's $same jars are the same bytes"
else
  bad "jars" "${#differ[@]} differ: ${differ[*]} ($same the same)"
fi
echo "$pass passed, $fail failed"
