#!/usr/bin/env bash
# The JDK AOT caches that ./arca starts its JVM with (sdk/aot-train.sh): each one the launcher picks
# is opened and used by a run with the launcher's own flags (a cache made with other flags, or for
# another jar, is refused by the JVM without a word, and every start-up silently slows down), and
# the training's spawn program embedded in sdk/aot-train.sh as hex is its source,
# sdk/aot-train-spawn.wat, assembled. Prints PASS/FAIL per case and "N passed, M failed".
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ARCA=$REPO/arca
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass+1)); echo "PASS $1"; }
bad() { fail=$((fail+1)); echo "FAIL $1: $2"; }

"$ARCA" --version >/dev/null || { echo "FAIL build"; echo "0 passed, 1 failed"; exit 1; }
command -v wat2wasm >/dev/null || { apt-get install -y -qq wabt >/dev/null 2>&1 || sudo apt-get install -y -qq wabt >/dev/null; }

# the spawn program: the hex in aot-train.sh is the .wat assembled
if wat2wasm "$REPO/sdk/aot-train-spawn.wat" -o "$T/spawn.wasm" 2>"$T/wat.err"; then
  sed -n '/> "$work\/t\/spawn.wasm"/,/^HEX$/p' "$REPO/sdk/aot-train.sh" | sed '1d;$d' | tr -d '\n' >"$T/embedded.hex"
  xxd -p "$T/spawn.wasm" | tr -d '\n' >"$T/assembled.hex"
  if [ -s "$T/embedded.hex" ] && cmp -s "$T/embedded.hex" "$T/assembled.hex"; then
    ok "the spawn program in sdk/aot-train.sh is sdk/aot-train-spawn.wat assembled"
  else
    bad "spawn program" "the hex in sdk/aot-train.sh differs from 'wat2wasm sdk/aot-train-spawn.wat' (regenerate it: see the .wat's first lines)"
  fi
else
  bad "spawn program" "wat2wasm failed: $(head -3 "$T/wat.err")"
fi

# each cache opened by the run that the launcher gives it to, with the launcher's flags
printf '\0asm\1\0\0\0' >"$T/empty.wasm" # a module with no _start: the run fails after the JVM started
head -c 32 /dev/urandom >"$T/key"
# used CACHE NAME ARGS...: a run of ./arca with ARGS logs that it opened CACHE and does not log that it could not use it
used() {
  local cache=$1 name=$2; shift 2
  ARCA_JAVA_OPTS="-Xlog:aot=info -Xlog:cds=info" "$ARCA" "$@" >"$T/out" 2>&1
  if grep -q "Opened AOT cache .*/$cache\." "$T/out" && ! grep -q -i -E "unable to use|disabled|mismatch" "$T/out"; then
    ok "$name uses cli/target/$cache"
  else
    bad "$name" "cli/target/$cache not used: $(grep -i -E "aot|cds" "$T/out" | grep -i -E "unable|disabled|mismatch|error|warn" | head -3)"
  fi
}
used arca.aot "arca run" run "$T/empty.wasm"
used arca-volume.aot "arca run --volume" run --volume "$T/v.vol::/" --key-file "$T/key" "$T/empty.wasm"
used arca-cluster.aot "arca cluster status" cluster status --node 127.0.0.1:1 --policy /nonexistent

# the launcher builds again (sdk/build.sh, which makes the caches) when the jar is newer than the
# stamp of the last build: a 'mvn install' by hand after sdk/build.sh leaves caches of the old jar,
# which every run would then start without. The launcher itself, in a root of its own with a
# recording build and a java that does nothing.
F=$T/launcher
mkdir -p "$F/cli/target" "$F/sdk" "$F/jdk/bin"
cp "$REPO/arca" "$F/arca"
printf '#!/bin/sh\necho built >> "%s/builds"\ntouch "%s/cli/target/.built"\n' "$F" "$F" >"$F/sdk/build.sh"
printf '#!/bin/sh\nexit 0\n' >"$F/jdk/bin/java"
chmod +x "$F/sdk/build.sh" "$F/jdk/bin/java"
now=$(date +%s)
touch -d "@$((now - 20))" "$F/cli/target/arca.jar"
touch -d "@$((now - 10))" "$F/cli/target/.built"
ARCA_JAVA_HOME=$F/jdk "$F/arca" --version >/dev/null 2>&1
if [ ! -e "$F/builds" ]; then ok "a launcher whose stamp is newer than its jar does not build"; else bad "stamp newer" "it built"; fi
touch -d "@$((now - 5))" "$F/cli/target/arca.jar"
ARCA_JAVA_HOME=$F/jdk "$F/arca" --version >/dev/null 2>&1
if [ "$(cat "$F/builds" 2>/dev/null)" = built ]; then ok "a jar newer than the last build's stamp (mvn install by hand) makes the launcher build again"
else bad "jar newer" "the launcher did not build (stale AOT caches would be dropped in silence)"; fi
ARCA_JAVA_HOME=$F/jdk "$F/arca" --version >/dev/null 2>&1
n=$(cat "$F/builds" 2>/dev/null | wc -l)
[ "$n" -eq 1 ] && ok "once built, the launcher does not build again" || bad "rebuild loop" "built $n times"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
