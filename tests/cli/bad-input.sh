#!/usr/bin/env bash
# Bad input to the arca command: malformed and truncated modules, wrong flags, missing files,
# bad manifests, and guests that pass their limits. Each must give its documented exit code and
# a clear message on stderr, never a Java stack trace. Prints PASS/FAIL per case and
# "N passed, M failed".
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ARCA=${ARCA:-$REPO/arca}
WCC="$REPO/sdk/wasm-cc"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0

# check NAME EXPECTED_CODE STDERR_REGEX -- ARGS...
check() {
  local name=$1 want=$2 pattern=$3; shift 4
  "$ARCA" "$@" >"$T/out" 2>"$T/err" </dev/null
  local code=$?
  local why=""
  [ "$code" -eq "$want" ] || why="exit $code, want $want"
  if [ "$pattern" = "^$" ]; then
    [ -s "$T/err" ] && why="$why; stderr not empty"
  else
    grep -Eq "$pattern" "$T/err" || why="$why; stderr lacks /$pattern/"
  fi
  if grep -Eq 'Exception|^\s+at [a-z]|\.java:[0-9]+\)' "$T/err"; then why="$why; Java stack trace on stderr"; fi
  [ "$(wc -l < "$T/err")" -le 3 ] || why="$why; more than 3 lines on stderr"
  if [ -z "$why" ]; then
    pass=$((pass+1)); echo "PASS $name"
  else
    fail=$((fail+1)); echo "FAIL $name: $why"; sed 's/^/    /' "$T/err" | head -5
  fi
}

# a valid module (prints "arca"), written byte for byte
tr -d '\n' <<'HEX' | perl -ne 'print pack("H*", $_)' > "$T/ok.wasm"
0061736d0100000001100360047f7f7f7f017f60017f0060000002460216776173695f736e617073686f745f70726576
696577310866645f7772697465000016776173695f736e617073686f745f70726576696577310970726f635f65786974
0001030201020503010001071302066d656d6f72790200065f737461727400020a13011100410141004101410810001a
410010010b0b18020041000b0810000000050000000041100b05617263610a
HEX
size=$(stat -c %s "$T/ok.wasm")
check "valid module runs" 0 '^$' -- run "$T/ok.wasm"

# malformed modules
: > "$T/empty.wasm"
check "empty file" 125 'not a WebAssembly module' -- run "$T/empty.wasm"
echo "this is not wasm at all" > "$T/text.wasm"
check "text file" 125 'not a WebAssembly module' -- run "$T/text.wasm"
head -c 4096 /dev/urandom > "$T/random.wasm"
check "random bytes" 125 'not a WebAssembly module|malformed' -- run "$T/random.wasm"
printf '\0asm\1\0\0\0' > "$T/header.wasm"
check "header only (no _start)" 125 'no _start' -- run "$T/header.wasm"
for cut in 9 20 40 75 110 $((size-1)); do
  head -c "$cut" "$T/ok.wasm" > "$T/cut$cut.wasm"
  check "truncated at $cut of $size bytes" 125 'malformed|invalid|arca: error' -- run "$T/cut$cut.wasm"
done
# a byte flipped in the code section: invalid, not a crash
perl -e 'open F,"<",$ARGV[0]; binmode F; local $/; $d=<F>; substr($d,140,1)="\xff"; print $d' "$T/ok.wasm" > "$T/flip.wasm"
# (either refused as malformed, or it decodes to other code that traps: a clear line either way)
"$ARCA" run "$T/flip.wasm" >/dev/null 2>&1; fc=$?
check "corrupted code section" "$([ $fc = 134 ] && echo 134 || echo 125)" 'malformed|invalid|cannot|trap' -- run "$T/flip.wasm"

# modules that cannot be instantiated
printf '%s' 'int missing(void); int main(void) { return missing(); }' > "$T/imp.c"
"$WCC" -O1 -Wl,--allow-undefined -o "$T/imp.wasm" "$T/imp.c"
check "unknown import" 125 'unknown import|cannot instantiate|missing' -- run "$T/imp.wasm"

# files and flags
check "missing program" 125 'no such file' -- run "$T/nope.wasm"
check "program is a directory" 125 'cannot read|directory' -- run "$T"
check "unknown flag" 2 'Unknown option' -- run --frobnicate "$T/ok.wasm"
check "unknown command" 2 'Unmatched argument|Unknown' -- frobnicate
check "no program" 125 'no PROGRAM' -- run
check "--dir to a missing host directory" 125 'not a directory' -- run --dir "$T/missing::/x" "$T/ok.wasm"
check "--dir with a relative guest path under .." 0 '^$' -- run --dir "$T::/a/../b" "$T/ok.wasm"
check "--env without a name" 125 'empty name' -- run --env =x "$T/ok.wasm"
check "guest flags are not Arca's" 0 '^$' -- run "$T/ok.wasm" --dir /etc::/ --frobnicate

# manifests
echo '{ "entry": ' > "$T/broken.json"
check "manifest: broken JSON" 125 'manifest' -- run --manifest "$T/broken.json"
echo '{ "entry": "ok.wasm", "limitz": {} }' > "$T/typo.json"
check "manifest: unknown key" 125 "unknown key 'limitz'" -- run --manifest "$T/typo.json"
echo '{ "entry": "ok.wasm", "limits": { "memory": "12 parsecs" } }' > "$T/unit.json"
check "manifest: bad size" 125 'unknown size unit|not a size' -- run --manifest "$T/unit.json"
echo '{ "entry": "ok.wasm", "limits": { "openFiles": 1 } }' > "$T/fds.json"
check "manifest: open-file limit below 3" 125 'open file limit' -- run --manifest "$T/fds.json"
echo '{ "entry": "ok.wasm", "mounts": [ { "type": "nfs", "path": "/x" } ] }' > "$T/type.json"
check "manifest: unknown mount type" 125 'unknown mount type' -- run --manifest "$T/type.json"
check "manifest: missing file" 125 'no such file' -- run --manifest "$T/none.json"
echo '{ "entry": "ok.wasm", "env": { "A": "1" }, "limits": { "memory": "16MiB" } }' > "$T/good.json"
check "manifest: valid" 0 '^$' -- run --manifest "$T/good.json"

# limits: the guest is stopped (or refused) with a clear message, and the JVM carries on
# (a guest stopped at its CPU or memory limit: tests/c/run.sh, cpu_loop, cpu_budget and mem_grow)
printf '{ "entry": "ok.wasm", "limits": { "memory": "1B" } }' > "$T/tiny.json"
check "memory limit below the module's initial memory" 125 'more than its limit' -- run --manifest "$T/tiny.json"
printf 'int main(void){ return main() + 1; }' > "$T/rec.c"
"$WCC" -O0 -o "$T/rec.wasm" "$T/rec.c" 2>/dev/null
check "unbounded recursion is a trap" 134 'trap: (call stack exhausted|out of bounds memory access)' -- run "$T/rec.wasm"

# (processes: orphans, a fork bomb against the process limit, malformed spawns: tests/c/run.sh, processes)

# a function too large for one JVM method runs in Chicory's interpreter instead of failing
{
  echo '#include <stdio.h>'
  echo 'static volatile unsigned v = 1;'
  echo '__attribute__((noinline)) static unsigned huge(unsigned x) {'
  for i in $(seq 1 6000); do echo "  x = x * 31u + v + $i;"; done
  echo '  return x; }'
  echo 'int main(void) { printf("%u\n", huge(7)); return 0; }'
} > "$T/huge.c"
"$WCC" -O0 -o "$T/huge.wasm" "$T/huge.c"
gcc -O0 -o "$T/huge" "$T/huge.c"
check "function too large for the JVM: interpreter fallback" 0 '^$' -- run "$T/huge.wasm"
if [ "$(cat "$T/out")" = "$("$T/huge")" ]; then pass=$((pass+1)); echo "PASS huge function computes what native computes"
else fail=$((fail+1)); echo "FAIL huge function: got '$(cat "$T/out")', native '$("$T/huge")'"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
