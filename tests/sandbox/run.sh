#!/usr/bin/env bash
# tests/sandbox/run.sh - the hostile test family for host directories (issue 8): while an
# attacker swaps a directory of a writable --dir mount with a symbolic link to a bait directory
# outside it, a guest uses every call that takes a path through it. Nothing of the bait may be
# read, created, changed or deleted. The attacker is, in turn:
#   host          a host process swapping with renameat2(RENAME_EXCHANGE)
#   instance      a guest of a second Arca instance sharing the directory (WASI renames)
#   sibling       a process of the same instance, spawned by the victim
# each once with openat2 (the kernel's RESOLVE_BENEATH) and once with the O_NOFOLLOW component
# walk that Arca uses where openat2 is missing. First the same victim runs natively against the
# host attacker, where nothing confines it: it must see the bait, which proves the test can see
# an escape at all.
#
#   tests/sandbox/run.sh            # RACE_SECONDS per case (default 3)
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ARCA=${ARCA:-$REPO/arca}
SECONDS_PER=${RACE_SECONDS:-3}
BUILD="$REPO/target/sandbox-tests"
mkdir -p "$BUILD"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/arca-sandbox.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }

build() {
  gcc -O2 -Wall -o "$BUILD/$1" "$HERE/$1.c" || return 1
  "$ARCA" cc -O2 -Wall -o "$BUILD/$1.wasm" "$HERE/$1.c" || return 1
}
build race_victim && build swap || { fail build "could not build the test programs"; echo "$passed passed, $failed failed"; exit 1; }

# layout T: T/bait (outside the mount) and T/shared (mounted at /s) with a/ and a-link -> ../bait
layout() {
  local t=$1
  rm -rf "$t"; mkdir -p "$t/bait/victim-dir" "$t/shared/a/victim-dir"
  printf 'ARCA-BAIT-SECRET-0123456789-abcdefghijkl\n' >"$t/bait/secret.txt"   # 41 bytes
  ln -s BAIT-LINK-TARGET "$t/bait/link"
  echo marker >"$t/bait/BAIT-MARKER"
  echo "bait trunc" >"$t/bait/trunc.txt"
  echo "bait victim" >"$t/bait/victim-file"
  echo "bait x" >"$t/bait/x"
  echo inside >"$t/shared/a/secret.txt"
  ln -s inside-target "$t/shared/a/link"
  echo "inside trunc" >"$t/shared/a/trunc.txt"
  echo "inside victim" >"$t/shared/a/victim-file"
  echo "inside x" >"$t/shared/a/x"
  ln -s ../bait "$t/shared/a-link"
  touch -d '2001-01-01' "$t/bait" "$t/bait"/* "$t/bait/victim-dir"
}

# everything outside the mount: names, types, sizes, mtimes, link targets, contents
fingerprint() {
  (cd "$1" && find . -path ./shared -prune -o -printf '%p %y %s %T@ %l\n' | sort
   find bait -type f -exec md5sum {} + | sort)
}

# case NAME VICTIM_CMD... -- ATTACKER_CMD...
run_case() {
  local name=$1; shift
  local victim=() attacker=()
  while [ "$1" != -- ]; do victim+=("$1"); shift; done; shift
  attacker=("$@")
  local t="$TMP/$name"
  layout "$t"
  local before; before=$(fingerprint "$t")
  local out="$BUILD/$name.out"
  if [ ${#attacker[@]} -gt 0 ]; then "${attacker[@]//@T@/$t}" >"$out.attacker" 2>&1 & fi
  local apid=$!
  "${victim[@]//@T@/$t}" >"$out" 2>"$out.err"
  local rc=$?
  [ ${#attacker[@]} -gt 0 ] && wait "$apid"
  local after; after=$(fingerprint "$t")
  local ops escapes
  ops=$(awk '/^ops/ {print $2}' "$out"); escapes=$(awk '/^escapes/ {print $2}' "$out")
  local said=""; [ -f "$out.attacker" ] && said="; attacker: $(tr '\n' ' ' <"$out.attacker")"
  rm -f "$out.attacker"
  echo "    $name: ${ops:-?} path operations, ${escapes:-?} escapes$said"
  if [ "$name" = native-detector ]; then
    if [ "${escapes:-0}" -gt 0 ] || [ "$before" != "$after" ]; then pass "$name (the unconfined victim sees the bait)"
    else fail "$name" "the native victim saw nothing: the race test cannot see an escape"; fi
    return
  fi
  if [ "$rc" -ne 0 ] || [ -z "$escapes" ] || [ "$escapes" -ne 0 ]; then
    fail "$name" "exit $rc"; sed 's/^/    /' "$out" "$out.err" | head -20; return
  fi
  if [ "$before" != "$after" ]; then
    fail "$name" "the host outside the mount changed:"; diff <(echo "$before") <(echo "$after") | head -20 | sed 's/^/    /'; return
  fi
  if grep -q "Exception\|at dev.arca" "$out.err"; then fail "$name" "a Java stack trace"; head -20 "$out.err"; return; fi
  pass "$name"
}

S=$SECONDS_PER
run_case native-detector "$BUILD/race_victim" @T@/shared "$S" -- "$BUILD/swap" @T@/shared "$S" exchange
for mode in openat2 walk; do
  opts=""
  [ $mode = walk ] && opts="-Darca.host.noOpenat2=true"
  export ARCA_JAVA_OPTS="$opts"
  run_case "host-$mode" "$ARCA" run --dir @T@/shared::/s "$BUILD/race_victim.wasm" /s "$S" -- \
    "$BUILD/swap" @T@/shared "$S" exchange
  run_case "instance-$mode" "$ARCA" run --dir @T@/shared::/s "$BUILD/race_victim.wasm" /s "$S" -- \
    "$ARCA" run --dir @T@/shared::/s "$BUILD/swap.wasm" /s "$S" rename
  run_case "sibling-$mode" "$ARCA" run --dir @T@/shared::/s --ro-dir "$BUILD::/bin" "$BUILD/race_victim.wasm" /s "$S" /bin/swap.wasm --
done
unset ARCA_JAVA_OPTS
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
