#!/usr/bin/env bash
# Encrypted volumes killed with kill -9 (a real JVM, a real host file): what each commit setting
# promises survives, and nothing else is claimed. `--commit names` (the default): a change of
# names is durable when it returns. `--commit fsync`: what an fsync (of a file or a directory)
# acknowledged is durable, and any change is committed within 1 s without one. After every kill the
# volume opens with no security line and holds one of the states the program passed through.
# Each program runs natively too (gcc) where the result is comparable.
# Prints PASS/FAIL per case and "N passed, M failed".
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ARCA=$REPO/arca
T=$(mktemp -d)
pass=0 fail=0
cleanup() { jobs -p | xargs -r kill -9 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
ok() { pass=$((pass+1)); echo "PASS $1"; }
bad() { fail=$((fail+1)); echo "FAIL $1: $2"; }
check() { local n=$1; shift; if "$@"; then ok "$n"; else bad "$n" "$*"; fi; }

"$ARCA" cc -O2 "$HERE/volumes/maker.c" -o "$T/maker.wasm" && gcc -O2 "$HERE/volumes/maker.c" -o "$T/maker" \
  || { echo "FAIL build maker"; echo "0 passed, 1 failed"; exit 1; }
head -c 32 /dev/urandom >"$T/key"
export ARCA_STATE_DIR=$T/state

# started VOL COMMIT LINE ARGS...: runs the maker on VOL in the background until its stdout has a
# line matching LINE (60 s at most); its pid is in $PID
started() {
  local vol=$1 commit=$2 line=$3; shift 3
  : >"$T/out"
  "$ARCA" run --volume "$vol::/" --commit "$commit" --key-file "$T/key" "$T/maker.wasm" "$@" >"$T/out" 2>"$T/err" &
  PID=$!
  for _ in $(seq 1 600); do
    grep -Eq "$line" "$T/out" && return 0
    kill -0 "$PID" 2>/dev/null || { cat "$T/err" >&2; return 1; }
    sleep 0.1
  done
  return 1
}
killed() { kill -9 "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; }
# after VOL ARGS...: the maker run again on the volume (default commit), its stdout
after() { local vol=$1; shift; "$ARCA" run --volume "$vol::/" --key-file "$T/key" "$T/maker.wasm" "$@" 2>"$T/err2"; }
clean_open() { ! grep -Eqi 'security|tamper|damaged|Exception' "$T/err2"; }

# 1. the default: every create acknowledged is there after kill -9
if started "$T/a.vol" names '^made 300$' create /d 300; then
  killed
  check "names: 300 creates, kill -9, all 300 there" [ "$(after "$T/a.vol" list /d)" = "f=300 g=0" ]
  check "names: the volume opens with no security line" clean_open
else bad "names: maker did not start" "$(cat "$T/err")"; fi

# 2. --commit fsync: everything before an fsync of the directory is there; the creates after it
# (no fsync) may be there or not, but only whole
if started "$T/b.vol" fsync '^synced 500$' sync /d 500; then
  sleep 0.3
  killed
  got=$(after "$T/b.vol" list /d)
  check "fsync: 500 creates then fsync of the directory, kill -9 amid more: the 500 there ($got)" \
    grep -Eq '^f=500 g=[0-9]+$' <<<"$got"
  check "fsync: the volume opens with no security line" clean_open
  # the volume goes on: a second run syncs more, is killed too, and both runs' synced files are there
  if started "$T/b.vol" fsync '^synced 10$' sync /e 10; then
    killed
    check "fsync: a second run on the volume, killed too: its 10 synced files there" grep -Eq '^f=10 g=[0-9]+$' <<<"$(after "$T/b.vol" list /e)"
    check "fsync: and the first run's 500 still there" grep -Eq '^f=500 g=[0-9]+$' <<<"$(after "$T/b.vol" list /d)"
  else bad "fsync: second run did not start" "$(cat "$T/err")"; fi
else bad "fsync: maker did not start" "$(cat "$T/err")"; fi

# 3. --commit fsync with no fsync at all: the background commit makes creates durable within 1 s
if started "$T/c.vol" fsync '^made 200$' create /d 200; then
  sleep 2.5
  killed
  check "fsync: 200 creates and no fsync, kill -9 2.5 s later: committed in the background" \
    [ "$(after "$T/c.vol" list /d)" = "f=200 g=0" ]
  check "fsync: the volume opens with no security line (background commit)" clean_open
else bad "fsync: maker did not start" "$(cat "$T/err")"; fi

# 4. --commit fsync: a file written and fsynced, then renamed (not synced), killed at once: the
# content is under one of the two names, never lost and never under both
if started "$T/d.vol" fsync '^renamed$' write /f ledger-entry-42; then
  killed
  one=$(after "$T/d.vol" cat /f) two=$(after "$T/d.vol" cat /f.moved)
  check "fsync: fsynced file then an unsynced rename, kill -9: the content under exactly one name ($one / $two)" \
    bash -c "[ '$one' = ledger-entry-42 -a '$two' = missing ] || [ '$one' = missing -a '$two' = ledger-entry-42 ]"
else bad "fsync: maker did not start" "$(cat "$T/err")"; fi

# 5. fsync of a directory: 0 natively, on a volume of either setting, and on a host directory
mkdir -p "$T/nd" "$T/hd"
native=$("$T/maker" fsyncdir "$T/nd")
for c in names fsync; do
  check "fsync of a directory on a volume ($c) as natively ($native)" \
    [ "$("$ARCA" run --volume "$T/e-$c.vol::/" --commit "$c" --key-file "$T/key" "$T/maker.wasm" fsyncdir / 2>&1)" = "$native" ]
done
check "fsync of a directory on a host directory as natively" [ "$("$ARCA" run --dir "$T/hd::/" "$T/maker.wasm" fsyncdir / 2>&1)" = "$native" ]

# 6. a cache of 64 inodes (--cache-inodes, "cacheInodes" in a manifest): 3,000 files listed through it
if started "$T/g.vol" fsync '^made 3000$' create /d 3000; then
  sleep 2.5
  killed
  check "--cache-inodes 64: a directory of 3,000 files listed through a cache of 64 inodes" \
    [ "$("$ARCA" run --volume "$T/g.vol::/" --cache-inodes 64 --key-file "$T/key" "$T/maker.wasm" list /d 2>&1)" = "f=3000 g=0" ]
else bad "cache: maker did not start" "$(cat "$T/err")"; fi

# 7. the block cache (--block-cache, "blockCache" in a manifest): 8 MiB written, partly rewritten and read
# back both ways through the smallest cache (64 blocks read, 64 changed) and the default, as natively
mkdir -p "$T/bignative"
native=$("$T/maker" big "$T/bignative/f" 8 2>&1)
check "a file of 8 MiB through a block cache of 512 KiB reads back as natively ($native)" \
  [ "$("$ARCA" run --volume "$T/h.vol::/" --block-cache 512KiB --key-file "$T/key" "$T/maker.wasm" big /f 8 2>&1)" = "$native" ]
check "the same volume read with the default block cache" \
  [ "$("$ARCA" run --volume "$T/h.vol::/" --key-file "$T/key" "$T/maker.wasm" cat /f 2>&1 | wc -c)" -eq $((8 << 20 | 1)) ]
printf '{"entry": "maker.wasm", "args": ["big", "/v/f", "8"], "mounts": [{"type": "encfs", "source": "i.vol", "path": "/v", "blockCache": "1MiB"}]}\n' > "$T/block.json"
check "\"blockCache\": \"1MiB\" in a manifest: the same 8 MiB as natively" \
  [ "$("$ARCA" run --manifest "$T/block.json" --key-file "$T/key" 2>&1)" = "$native" ]

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
