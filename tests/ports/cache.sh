#!/usr/bin/env bash
# The ports' build cache (ports/cache.sh) on a copy of the checkout's ports/, sdk/ and launcher:
# the key changes with every input it names and with nothing else; a stored build comes back
# byte for byte in a tree that never built it; an entry cut short (no .complete) or from another
# key is not used; ARCA_PORTS_REBUILD=1 ignores the cache; stores racing each other and a restore
# leave one whole entry. Ends with "N passed, M failed".
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass+1)); echo "PASS $1"; else fail=$((fail+1)); echo "FAIL $1"; fi; }

# tree N: a copy of what the key reads, as a checkout at $T/N
tree() {
  mkdir -p "$T/$1/target/ports/demo" "$T/$1/target/ports/bin"
  cp -r "$ROOT/ports" "$ROOT/sdk" "$ROOT/arca" "$T/$1/"
  mkdir -p "$T/$1/ports/demo"
  printf '#!/bin/sh\necho build\n' > "$T/$1/ports/demo/build.sh"
  touch "$T/$1/target/ports/demo/demo_1.0-1.dsc" "$T/$1/target/ports/demo/demo_1.0.orig.tar.xz"
}
key() { (cd "$T/$1" && . ports/cache.sh && port_key demo); }
export ARCA_PORTS_CACHE="$T/cache"

tree a
k0=$(key a)
check "the key is the same when nothing changed" '[ "$(key a)" = "$k0" ] && [ ${#k0} = 16 ]'
echo "/* x */" >> "$T/a/sdk/include/$(ls "$T/a/sdk/include" | head -1)"
k1=$(key a)
check "a change to a header of the SDK changes the key" '[ "$k1" != "$k0" ]'
echo "# x" >> "$T/a/sdk/libarca/$(ls "$T/a/sdk/libarca" | head -1)"; k2=$(key a)
check "a change to libarca's sources changes the key" '[ "$k2" != "$k1" ]'
echo "echo again" >> "$T/a/ports/demo/build.sh"; k3=$(key a)
check "a change to the port's build script changes the key" '[ "$k3" != "$k2" ]'
echo "# x" >> "$T/a/arca"; k4=$(key a)
check "a change to the launcher changes the key" '[ "$k4" != "$k3" ]'
mv "$T/a/target/ports/demo/demo_1.0-1.dsc" "$T/a/target/ports/demo/demo_1.0-2.dsc"; k5=$(key a)
check "another version of the source package changes the key" '[ "$k5" != "$k4" ]'
mkdir -p "$T/a/kernel/src/main"; echo x > "$T/a/kernel/src/main/A.java"; k6=$(key a)
check "the runtime's sources are not in the key unless the port names them" '[ "$k6" = "$k5" ]'
k7=$(cd "$T/a" && . ports/cache.sh && PORT_DEPENDS=kernel/src/main port_key demo)
check "a port that names them (PORT_DEPENDS) has them in its key" '[ "$k7" != "$k6" ]'
echo y > "$T/a/kernel/src/main/A.java"
k8=$(cd "$T/a" && . ports/cache.sh && PORT_DEPENDS=kernel/src/main port_key demo)
check "a change to them then changes its key" '[ "$k8" != "$k7" ]'
echo "text" > "$T/a/README.md"
check "a file outside what the key names leaves it as it was" '[ "$(key a)" = "$k6" ]'

# store in tree a, restore in tree b (the same inputs: a fresh clone of the same commit)
head -c 100000 /dev/urandom > "$T/a/target/ports/bin/prog"; head -c 5000 /dev/urandom > "$T/a/target/ports/bin/prog.wasm"
(cd "$T/a" && . ports/cache.sh && port_store demo target/ports/bin/prog target/ports/bin/prog.wasm)
check "a build is stored under its key, whole" '[ -f "$T/cache/demo-$(key a)/.complete" ]'
rm -rf "$T/b"; mkdir -p "$T/b"; cp -a "$T/a/." "$T/b/"; rm -f "$T/b/target/ports/bin/"* "$T/b/target/ports/demo/.built"
(cd "$T/b" && . ports/cache.sh && port_cached demo target/ports/bin/prog target/ports/bin/prog.wasm) 2>/dev/null; rc=$?
check "a tree that never built it gets it back from the cache" '[ $rc = 0 ]'
check "byte for byte" 'cmp -s "$T/a/target/ports/bin/prog" "$T/b/target/ports/bin/prog" && cmp -s "$T/a/target/ports/bin/prog.wasm" "$T/b/target/ports/bin/prog.wasm"'
echo "# changed" >> "$T/b/ports/demo/build.sh"
(cd "$T/b" && . ports/cache.sh && port_cached demo target/ports/bin/prog target/ports/bin/prog.wasm) 2>/dev/null; rc=$?
check "after a change to an input, the build is not taken from the cache and its outputs are removed" \
  '[ $rc = 1 ] && [ ! -e "$T/b/target/ports/bin/prog" ] && [ ! -e "$T/b/target/ports/bin/prog.wasm" ]'
# an entry without .complete (a copy cut short) is not used
kb=$(key b); mkdir -p "$T/cache/demo-$kb"; echo partial > "$T/cache/demo-$kb/prog"; echo partial > "$T/cache/demo-$kb/prog.wasm"
(cd "$T/b" && . ports/cache.sh && port_cached demo target/ports/bin/prog target/ports/bin/prog.wasm) 2>/dev/null; rc=$?
check "an entry without its .complete mark is not used" '[ $rc = 1 ] && [ ! -e "$T/b/target/ports/bin/prog" ]'
rm -f "$T/b/target/ports/demo/.built"; cp "$T/a/target/ports/bin/"* "$T/b/target/ports/bin/"
(cd "$T/b" && . ports/cache.sh && ARCA_PORTS_CACHE="$T/cache" port_cached demo target/ports/bin/prog target/ports/bin/prog.wasm) 2>/dev/null; rc=$?
check "outputs left from a build before, without the stamp of this key, are not taken as built" '[ $rc = 1 ]'
rm -f "$T/b/target/ports/demo/.built"
(cd "$T/a" && . ports/cache.sh && ARCA_PORTS_REBUILD=1 port_cached demo target/ports/bin/prog target/ports/bin/prog.wasm) 2>/dev/null; rc=$?
check "ARCA_PORTS_REBUILD=1 builds again" '[ $rc = 1 ] && [ ! -e "$T/a/target/ports/bin/prog" ]'
# at most three keys of a port are kept
for i in 1 2 3 4; do
  echo "# $i" >> "$T/a/ports/demo/build.sh"; echo $i > "$T/a/target/ports/bin/prog"; echo $i > "$T/a/target/ports/bin/prog.wasm"
  (cd "$T/a" && . ports/cache.sh && port_store demo target/ports/bin/prog target/ports/bin/prog.wasm); sleep 0.01
done
check "the newest three builds of a port are kept" '[ "$(ls -d "$T/cache"/demo-* | wc -l)" = 3 ] && [ -f "$T/cache/demo-$(key a)/.complete" ]'
# two clones storing the same build at once (four stores in parallel, a restore racing them):
# one whole entry, no copy left aside, and the restore gets the whole build or builds again
head -c 3000000 /dev/urandom > "$T/a/target/ports/bin/prog"; head -c 3000000 /dev/urandom > "$T/a/target/ports/bin/prog.wasm"
echo "# race" >> "$T/a/ports/demo/build.sh"
rm -rf "$T/c"; mkdir -p "$T/c"; cp -a "$T/a/." "$T/c/"; rm -f "$T/c/target/ports/bin/"* "$T/c/target/ports/demo/.built"
for i in 1 2 3 4; do (cd "$T/a" && . ports/cache.sh && port_store demo target/ports/bin/prog target/ports/bin/prog.wasm) & done
(cd "$T/c" && . ports/cache.sh && port_cached demo target/ports/bin/prog target/ports/bin/prog.wasm) 2>/dev/null; rc=$?
wait
kr=$(key a)
check "stores racing leave one whole entry and nothing aside" \
  'cmp -s "$T/a/target/ports/bin/prog" "$T/cache/demo-$kr/prog" && cmp -s "$T/a/target/ports/bin/prog.wasm" "$T/cache/demo-$kr/prog.wasm" && [ -f "$T/cache/demo-$kr/.complete" ] && [ -z "$(ls -A "$T/cache" | grep "^\.")" ]'
check "a restore racing them gets the whole build or none" \
  '{ [ $rc = 0 ] && cmp -s "$T/a/target/ports/bin/prog" "$T/c/target/ports/bin/prog" && cmp -s "$T/a/target/ports/bin/prog.wasm" "$T/c/target/ports/bin/prog.wasm"; } || { [ $rc = 1 ] && [ ! -e "$T/c/target/ports/bin/prog" ]; }'

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
