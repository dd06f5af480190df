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

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
