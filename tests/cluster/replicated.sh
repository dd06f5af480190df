#!/usr/bin/env bash
# Replicated volumes (docs/cluster.md), with real nodes: three node JVMs on 127.0.0.21-23 and
# 'arca run --cluster ... --replicate --volume FILE::/data'. What a commit acknowledged survives the
# loss of the local copy and of a minority of nodes (the leader included); a stale copy is brought
# up to date, from its note (FILE.synced) when it has one, and a forged, garbled or restored note
# changes nothing that is read; a new copy is fetched as it is read, even when the node it reads
# through is killed; a local volume's first sending into the cluster, killed halfway, is sent
# again by the next mount (refused if a mount elsewhere made a new volume first); a writer killed
# while its large write is sent ahead of the fsync leaves the last commit; the newest mount fences the previous writer, whose next commit fails; a copy of
# another volume under the same name is refused and left as it is, and so is a writer with another
# key; a union's volume replicated the same way; bad names and flags give one line. The nodes snapshot every 16 entries, so restarts and a new member catch up from snapshots
# (which carry the volumes' blocks) as well as from the log. Prints PASS/FAIL per case and
# "N passed, M failed".
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ARCA=${ARCA:-$REPO/arca}
T=$(mktemp -d)
export ARCA_CONFIG_DIR="$T/config" ARCA_ATTESTATION_PROVIDER=sim
declare -A PID
cleanup() { for p in "${PID[@]}"; do kill -9 "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass+1)); echo "PASS $1"; }
bad() { fail=$((fail+1)); echo "FAIL $1"; [ -f "$T/err" ] && sed 's/^/    /' "$T/err" | head -8; }
clean() { ! grep -Eq 'Exception|^\s+at [a-z]|\.java:[0-9]+\)' "$T/err" && [ "$(wc -l < "$T/err")" -le 3 ]; }

"$ARCA" --version >/dev/null && "$ARCA" cc -O1 -o "$T/append.wasm" "$HERE/append.c" && "$ARCA" cc -O1 -o "$T/commit.wasm" "$REPO/bench/src/commit.c" \
  || { echo "FAIL build"; echo "0 passed, 1 failed"; exit 1; }
BASE=$((20000 + RANDOM % 20000))
addr() { echo "127.0.0.2$1:$((BASE + $1))"; }
PEERS="n1=$(addr 1),n2=$(addr 2),n3=$(addr 3)"
echo '{"allowSim": true}' > "$T/policy.json"
# start N [--peers ...]: node nN at 127.0.0.2N (with the three first members' --peers unless given)
start() {
  local n=$1; shift
  [ $# = 0 ] && set -- --peers "$PEERS"
  "$ARCA" node start --id "n$n" --address "127.0.0.2$n" --raft-port $((BASE + n)) --data "$T/d$n" --policy "$T/policy.json" --snapshot-every 16 "$@" >>"$T/n$n.log" 2>&1 &
  PID[$n]=$!
}
# leader N: the leader's number as node N sees it (empty if none within 60 s)
leader() {
  for _ in $(seq 1 60); do
    l=$("$ARCA" cluster status --node "$(addr "$1")" 2>/dev/null | python3 -c 'import json,sys; s=json.load(sys.stdin); print((s["leader"] or "")[1:])' 2>/dev/null)
    [ -n "$l" ] && { echo "$l"; return; }
    sleep 1
  done
}
head -c 32 /dev/urandom > "$T/key"
# vrun DIR LINE [ENTRY]: appends LINE to /data/log on the replicated volume DIR/ledger.vol, entering the cluster at node ENTRY (1)
vrun() { mkdir -p "$T/$1"; "$ARCA" run --cluster "$(addr "${3:-1}")" --replicate --volume "$T/$1/ledger.vol::/data" --key-file "$T/key" "$T/append.wasm" "$2"; }
lines() { printf '%s\n' "$@"; }

"$ARCA" attest quote -o "$T/q" 2>/dev/null || { echo "FAIL sim installation"; echo "0 passed, 1 failed"; exit 1; }
for n in 1 2 3; do start $n; done
[ -n "$(leader 1)" ] || { echo "FAIL no leader"; echo "0 passed, 1 failed"; exit 1; }

if vrun a one >"$T/out" 2>"$T/err" && vrun a two >"$T/out" 2>"$T/err" && [ "$(cat "$T/out")" = "$(lines one two)" ]
then ok "a replicated volume commits through the cluster"; else bad "a replicated volume commits through the cluster"; fi
cp "$T/a/ledger.vol" "$T/stale.vol"
rm "$T/a/ledger.vol"
vrun a three >"$T/out" 2>"$T/err"
[ $? = 0 ] && [ "$(cat "$T/out")" = "$(lines one two three)" ] && ok "the local copy deleted: rebuilt from the cluster at mount, nothing lost" \
  || bad "a deleted local copy is rebuilt from the cluster"
cp "$T/stale.vol" "$T/a/ledger.vol"
vrun a four >"$T/out" 2>"$T/err"
[ $? = 0 ] && [ "$(cat "$T/out")" = "$(lines one two three four)" ] && ok "a stale local copy is brought up to date (not mounted as it was)" \
  || bad "a stale local copy is brought up to date"

# the copy's note (FILE.synced: the cluster's state the copy last matched), on a volume of its
# own: a copy that sat out another copy's commits compares only the blocks written since; a copy
# and its note restored together from a backup are brought up to date; a note forged to match an
# older copy makes the mount keep that copy's blocks, which the volume refuses (a rollback): the
# note is a hint no security rests on; a garbled note is ignored (every block compared)
nrun() { mkdir -p "$T/$1"; "$ARCA" run --cluster "$(addr 1)" --replicate --volume "$T/$1/notes.vol::/data" --key-file "$T/key" "$T/append.wasm" "$2"; }
nrun c a1 >"$T/out" 2>"$T/err" && nrun c a2 >"$T/out" 2>"$T/err"
cp "$T/c/notes.vol" "$T/old.vol"; cp "$T/c/notes.vol.synced" "$T/old.synced"
nrun d b3 >"$T/out" 2>"$T/err" && nrun c a4 >"$T/out" 2>"$T/err"
[ $? = 0 ] && [ "$(cat "$T/out")" = "$(lines a1 a2 b3 a4)" ] && [ -s "$T/c/notes.vol.synced" ] \
  && ok "a copy that sat out another copy's commits catches up from its note" || bad "a copy catches up from its note"
cp "$T/old.vol" "$T/c/notes.vol"
python3 - "$T/c/notes.vol.synced" "$T/old.vol" <<'PY'
import hashlib, struct, sys
note = bytearray(open(sys.argv[1], 'rb').read())
slots = open(sys.argv[2], 'rb').read(8192)
note[8:16] = note[16:24]                                # synced = latest: the newest state the copy matched
note[40:72] = hashlib.sha256(slots).digest()            # ... said of the older copy's superblocks
note[104:136] = hashlib.sha256(bytes(note[0:104])).digest()
open(sys.argv[1], 'wb').write(note)
PY
if nrun c a5 >"$T/out" 2>"$T/err"; then bad "a forged note over an older copy is refused (it mounted: $(tr '\n' ' ' < "$T/out"))"
elif clean && grep -qi "version\|rollback\|older" "$T/err"; then ok "a note forged to match an older copy: the volume refuses it as a rollback (no stale read)"
else bad "a forged note over an older copy is refused with one clear line"; fi
head -c 136 /dev/urandom > "$T/c/notes.vol.synced"
nrun c a5 >"$T/out" 2>"$T/err"
[ $? = 0 ] && [ "$(cat "$T/out")" = "$(lines a1 a2 b3 a4 a5)" ] \
  && ok "a garbled note is ignored: every block compared, nothing lost" || bad "a garbled note is ignored"
cp "$T/old.vol" "$T/c/notes.vol"; cp "$T/old.synced" "$T/c/notes.vol.synced"
nrun c a6 >"$T/out" 2>"$T/err"
[ $? = 0 ] && [ "$(cat "$T/out")" = "$(lines a1 a2 b3 a4 a5 a6)" ] \
  && ok "a copy and its note restored together from a backup: brought up to date" || bad "a copy and its note restored together"

# a commit of more blocks than one Raft entry carries (${BIG} KiB in one fsync: many entries, the
# superblock and version in the last), larger than the first cut's 64 MiB bound: a fresh host's
# copy, entered through another node, reads it whole, from the nodes' segment files
BIG=${BIG:-81920}
big() { mkdir -p "$T/$1"; "$ARCA" run --cluster "$(addr "$3")" --replicate --volume "$T/$1/big.vol::/data" --key-file "$T/key" "$T/append.wasm" "$2" "$BIG"; }
big g --fill 1 >"$T/out" 2>"$T/err" && [ "$(cat "$T/out")" = "filled $BIG" ] && big h --check 2 >"$T/out" 2>"$T/err" && [ "$(cat "$T/out")" = "ok $BIG" ] \
  && ok "a $((BIG / 1024)) MiB commit (many Raft entries, past the old 64 MiB bound) is read whole from a fresh host's copy" \
  || { bad "a commit of many Raft entries past 64 MiB"; cat "$T/out"; }
# a fresh copy is not fetched before the mount: each block when first read, the rest in the
# background; a run that ends at once leaves part missing, and the next mount of that copy fetches
# the rest; the node the reads enter through killed in the middle of them: they go on through
# another node (or fail in one line), and a second run reads the volume whole
mkdir -p "$T/i"; "$ARCA" run --cluster "$(addr 3)" --replicate --volume "$T/i/big.vol::/data" --key-file "$T/key" "$T/append.wasm" lazy >"$T/out" 2>"$T/err" && [ "$(cat "$T/out")" = "lazy" ] && big i --check 1 >"$T/out" 2>"$T/err" && [ "$(cat "$T/out")" = "ok $BIG" ] \
  && [ "$(stat -c %s "$T/i/big.vol")" -ge $((BIG * 1024)) ] \
  && ok "a fresh copy's blocks are fetched as read and in the background; a run that ends first leaves the rest to the next mount" \
  || { bad "a fresh copy fetched as read"; cat "$T/out"; }
mkdir -p "$T/j"; rm -f "$T/rc"
( big j --check 1 >"$T/out" 2>"$T/err"; echo $? > "$T/rc" ) & reader=$!
for _ in $(seq 1 300); do [ "$(stat -c %s "$T/j/big.vol" 2>/dev/null || echo 0)" -gt $((4 << 20)) ] && break; sleep 0.05; done # 4 MiB fetched
{ kill -9 "${PID[1]}"; wait "${PID[1]}"; } 2>/dev/null; wait $reader
first="$(cat "$T/out")"; firstrc=$(cat "$T/rc"); cp "$T/err" /tmp/replicated-killed-entry.err 2>/dev/null
start 1; [ -n "$(leader 1)" ] || sleep 5
if { [ "$firstrc" = 0 ] && [ "$first" = "ok $BIG" ]; } || { [ "$firstrc" != 0 ] && clean; }; then
  big j --check 2 >"$T/out" 2>"$T/err"
  [ $? = 0 ] && [ "$(cat "$T/out")" = "ok $BIG" ] && ok "the entry node killed while a fresh copy was read (first run: $( [ "$firstrc" = 0 ] && echo whole || echo 'one line')): read whole again" \
    || bad "a fresh copy read again after its entry node died"
else bad "the entry node killed while a fresh copy was read: rc $firstrc, $first"; fi

# a volume's first sending into the cluster (a local volume mounted replicated for the first time)
# cut short by kill -9 once part of it reached the nodes: the cluster holds some of its blocks and
# no superblock; the next mount of that copy sends it again (what the cluster lacks), and a fresh
# copy through another node then reads it whole (before, the next mount sent nothing more: a
# failover lost it). Cut short again under another name, and a mount elsewhere with an empty copy
# comes first: the cluster holds no volume there, so that mount makes a new one, and the first
# copy is then refused as another volume, in one line, and left as it is
SEED=${SEED:-$BIG}
# srun OPTS DIR FILE ARGS...: append.wasm ARGS on the volume DIR/FILE (a local one unless OPTS say --replicate)
srun() { local o=$1 d=$2 f=$3; shift 3; mkdir -p "$T/$d"; "$ARCA" run $o --volume "$T/$d/$f::/data" --key-file "$T/key" "$T/append.wasm" "$@"; }
# cutshort DIR FILE [ARGS]: a replicated run of append.wasm ARGS (--check SEED: only what the mount
# sends) on the volume DIR/FILE through n1, killed once 8 MiB reached a follower; fails if it finished first
cutshort() {
  local d=$1 f=$2 before; shift 2; [ $# = 0 ] && set -- --check "$SEED"
  before=$(du -sb "$T/d2" | cut -f1); rm -f "$T/rc"
  ( srun "--cluster $(addr 1) --replicate" "$d" "$f" "$@" >"$T/out" 2>"$T/err"; echo $? > "$T/rc" ) & local sender=$!
  for _ in $(seq 1 600); do [ $(( $(du -sb "$T/d2" | cut -f1) - before )) -gt $((8 << 20)) ] && break; [ -f "$T/rc" ] && break; sleep 0.05; done
  pkill -9 -f "$T/$d/$f::/data" 2>/dev/null; wait $sender 2>/dev/null
  [ "$(cat "$T/rc" 2>/dev/null)" != 0 ] || { echo "    the sending finished before the kill: raise SEED" > "$T/err"; return 1; }
}
if ! { srun "" k seed.vol --fill "$SEED" >"$T/out" 2>"$T/err" && cutshort k seed.vol; }; then bad "a first sending cut short"
elif srun "--cluster $(addr 1) --replicate" k seed.vol --check "$SEED" >"$T/out" 2>"$T/err" && [ "$(cat "$T/out")" = "ok $SEED" ] \
  && srun "--cluster $(addr 2) --replicate" k2 seed.vol --check "$SEED" >"$T/out" 2>"$T/err" && [ "$(cat "$T/out")" = "ok $SEED" ]
then ok "a first sending killed halfway: the next mount sends the copy again, a fresh copy through another node reads it whole"
else bad "a first sending killed halfway is sent again: $(cat "$T/out")"; fi
if ! { srun "" m other.vol --fill "$SEED" >"$T/out" 2>"$T/err" && cutshort m other.vol; }; then bad "a first sending cut short, then a mount elsewhere"
else
  cp "$T/m/other.vol" "$T/other.before"
  if srun "--cluster $(addr 2) --replicate" m2 other.vol new >"$T/out" 2>"$T/err" && [ "$(cat "$T/out")" = "new" ]; then
    if srun "--cluster $(addr 1) --replicate" m other.vol --check "$SEED" >"$T/out" 2>"$T/err"; then bad "the cut copy after a new volume took its name: it mounted"
    elif clean && grep -q "another volume" "$T/err" && cmp -s "$T/m/other.vol" "$T/other.before" \
      && srun "--cluster $(addr 3) --replicate" m3 other.vol again >"$T/out" 2>"$T/err" && [ "$(cat "$T/out")" = "$(lines new again)" ]
    then ok "a first sending cut short, a mount elsewhere first: a new volume there, the cut copy refused in one line and left as it is"
    else bad "the cut copy after a new volume took its name: refused in one line, left as it is"; fi
  else bad "a mount elsewhere after a first sending was cut short makes a new volume: $(cat "$T/out")"; fi
fi

# a large write is sent ahead of its fsync (16 MiB wait in memory at most), as blocks nothing
# committed refers to: a writer killed in the middle of an ${SEED} KiB write leaves the volume as its
# last commit left it, through its own copy and through a fresh copy on another node
if srun "--cluster $(addr 1) --replicate" p ahead.vol one >"$T/out" 2>"$T/err" && cutshort p ahead.vol --fill "$SEED" \
  && srun "--cluster $(addr 1) --replicate" p ahead.vol two >"$T/out" 2>"$T/err" && [ "$(cat "$T/out")" = "$(lines one two)" ] \
  && srun "--cluster $(addr 3) --replicate" p3 ahead.vol three >"$T/out" 2>"$T/err" && [ "$(cat "$T/out")" = "$(lines one two three)" ]
then ok "a writer killed while its large write was sent ahead of the fsync: the volume is its last commit, through both copies"
else bad "a writer killed while its large write was sent ahead: $(cat "$T/out")"; fi

# a minority lost, the leader first: every acknowledged line is still there, and writes go on
L=$(leader 1); { kill -9 "${PID[$L]}"; wait "${PID[$L]}"; } 2>/dev/null
other=$(( L % 3 + 1 ))
vrun b five "$other" >"$T/out" 2>"$T/err"
[ $? = 0 ] && [ "$(cat "$T/out")" = "$(lines one two three four five)" ] && ok "kill -9 of the leader (n$L): a fresh host's copy comes from the other two, writes go on" \
  || bad "kill -9 of the leader: writes go on"
start "$L"; sleep 2
# the restarted node has every block: with another node down it is part of the majority
[ -n "$(leader "$L")" ] || sleep 5
K=$(( L % 3 + 1 )); { kill -9 "${PID[$K]}"; wait "${PID[$K]}"; } 2>/dev/null
R=$(( K % 3 + 1 ))
vrun c six "$R" >"$T/out" 2>"$T/err"
[ $? = 0 ] && [ "$(cat "$T/out")" = "$(lines one two three four five six)" ] && ok "n$L rejoined and caught up: with n$K down, n$L and n$R have every block" \
  || bad "a restarted node catches up"
start "$K"; [ -n "$(leader "$K")" ] || true

# fencing: a writer streaming commits is fenced by a newer mount of the same volume; its next
# commit fails (EIO), what it committed before stays, the new writer's lines are there
mkdir -p "$T/w"
"$ARCA" run --cluster "$(addr 1)" --replicate --volume "$T/w/ledger.vol::/data" --key-file "$T/key" "$T/commit.wasm" stream 30 /data/f >"$T/stream" 2>"$T/stream.err" &
W=$!
for _ in $(seq 1 300); do [ "$(grep -c '^ack' "$T/stream" 2>/dev/null)" -ge 5 ] && break; sleep 0.1; done
vrun d seven 2 >"$T/out" 2>"$T/err"; rc=$?
wait $W; wrc=$?
if [ $rc = 0 ] && [ "$(cat "$T/out")" = "$(lines one two three four five six seven)" ] && [ $wrc != 0 ] \
   && grep -q "fenced" "$T/stream.err" && [ "$(grep -c '^ack' "$T/stream")" -ge 5 ]
then ok "a newer mount fences the writer: its next commit fails ($(grep -c '^ack' "$T/stream") commits before), the new writer's data is there"
else bad "a newer mount fences the previous writer"; echo "    writer exit $wrc, $(grep -c '^ack' "$T/stream") acks"; sed 's/^/    /' "$T/stream.err" | head -5; fi
vrun a eight 3 >"$T/out" 2>"$T/err"
[ $? = 0 ] && [ "$(cat "$T/out")" = "$(lines one two three four five six seven eight)" ] && ok "after the fence the volume mounts whole" \
  || bad "after the fence the volume mounts whole"

# hostile: another volume under the same name is refused, left as it is, and the cluster's untouched
mkdir -p "$T/x"
ARCA_STATE_DIR="$T/state-x" "$ARCA" run --volume "$T/x/ledger.vol::/data" --key-file "$T/key" "$T/append.wasm" mine >/dev/null 2>&1
before=$(sha256sum < "$T/x/ledger.vol")
vrun x nine >"$T/out" 2>"$T/err"
[ $? = 125 ] && grep -q "another volume" "$T/err" && clean && [ "$(sha256sum < "$T/x/ledger.vol")" = "$before" ] \
  && [ "$(vrun a ten 2>/dev/null)" = "$(lines one two three four five six seven eight ten)" ] \
  && ok "a local copy of another volume under the same name: refused in one line, left as it is, the cluster's volume untouched" \
  || bad "a copy of another volume under the same name is refused"
# hostile: a program the cluster admits, with another key, and the volume's name: it can neither
# fence the writer nor write (the writer token comes from the volume key), and learns nothing
head -c 32 /dev/urandom > "$T/key2"; mkdir -p "$T/z"
"$ARCA" run --cluster "$(addr 2)" --replicate --volume "$T/z/ledger.vol::/data" --key-file "$T/key2" "$T/append.wasm" evil >"$T/out" 2>"$T/err"
[ $? = 125 ] && grep -q "another key" "$T/err" && clean && [ ! -s "$T/out" ] \
  && ok "another key under the volume's name: refused in one line, nothing opened or written" || bad "another key under the volume's name is refused"

# a new member catches up from a snapshot (the log before it is purged) that carries the blocks,
# and is then needed for a majority: n4 replaces n3, n1 goes down, n2 and n4 serve the volume
"$ARCA" node start --id n4 --address 127.0.0.24 --raft-port $((BASE + 4)) --data "$T/d4" --policy "$T/policy.json" --snapshot-every 16 >>"$T/n4.log" 2>&1 &
PID[4]=$!
for _ in $(seq 1 120); do (exec 3<>"/dev/tcp/127.0.0.24/$((BASE + 4))") 2>/dev/null && break; sleep 0.5; done
"$ARCA" cluster add --node "$(addr 1)" --id n4 --address "127.0.0.24:$((BASE + 4))" >/dev/null 2>"$T/err"; added=$?
snap=""
for _ in $(seq 1 60); do snap=$(grep -rl "ledger.vol" "$T/d4/raft" 2>/dev/null | grep snapshot | head -1); [ -n "$snap" ] && break; sleep 1; done
"$ARCA" cluster remove --node "$(addr 1)" --id n3 >/dev/null 2>>"$T/err"; removed=$?
{ kill -9 "${PID[3]}" "${PID[1]}"; wait "${PID[3]}" "${PID[1]}"; } 2>/dev/null
vrun e eleven 2 >"$T/out" 2>>"$T/err"; rc=$?
if [ $added = 0 ] && [ $removed = 0 ] && [ -n "$snap" ] && [ $rc = 0 ] && [ "$(cat "$T/out")" = "$(lines one two three four five six seven eight ten eleven)" ]
then ok "a new member (n4) installs a snapshot holding the volume's blocks; with n1 down and n3 removed, n2 and n4 serve it whole"
else bad "a new member catches up from a snapshot"; echo "    add $added remove $removed snapshot '${snap#$T/}' run $rc"
  grep -h "WARN\|ERROR\|to LEADER\|CANDIDATE\|set configuration" "$T/n2.log" "$T/n4.log" | cut -c1-250 | tail -25; fi
start 1

# a union's volume is replicated as a volume is (the image under it stays a host file): written
# through two nodes, its local copy deleted, a third run through the third node finds everything
mkdir -p "$T/u/tree" && echo base > "$T/u/tree/log"
if "$ARCA" image build --quiet "$T/u/tree" "$T/u/app.img" >/dev/null 2>"$T/err"; then
  urun() { "$ARCA" run --cluster "$(addr "$2")" --replicate --union "$T/u/app.img+$T/u/state.vol::/data" --key-file "$T/key" "$T/append.wasm" "$1"; }
  [ -n "$(leader 1)" ] || true # n1 was just restarted; the members are n1, n2 and n4
  urun one 2 >"$T/out" 2>"$T/err" && urun two 4 >"$T/out" 2>"$T/err" && rm "$T/u/state.vol" && urun three 1 >"$T/out" 2>"$T/err" \
    && [ "$(cat "$T/out")" = "$(lines base one two three)" ] && [ "$("$ARCA" image cat "$T/u/app.img" log 2>/dev/null)" = base ] \
    && ok "--replicate with --union: the union's volume commits through the cluster and is rebuilt from it, the image unchanged" \
    || bad "--replicate with --union"
else
  bad "image build for the union"
fi

mkdir -p "$T/y"
"$ARCA" run --cluster "$(addr 2)" --replicate --volume "$T/y/bad name.vol::/data" --key-file "$T/key" "$T/append.wasm" x >/dev/null 2>"$T/err"
[ $? = 125 ] && grep -q "name" "$T/err" && clean && ok "a volume file whose name the cluster does not take: one line, 125" || bad "a bad replicated volume name"
"$ARCA" run --replicate --volume "$T/y/v.vol::/data" --key-file "$T/key" "$T/append.wasm" x >/dev/null 2>"$T/err"
[ $? = 125 ] && grep -q "needs --cluster" "$T/err" && clean && ok "--replicate without --cluster: one line, 125" || bad "--replicate without --cluster"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
