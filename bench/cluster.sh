#!/usr/bin/env bash
# The cluster's costs, in one run on this machine (docs/cluster.md):
#  - commit latency: bench/src/commit.c (4 KiB pwrite + fsync per commit) on an encrypted volume
#    whose committed version is recorded in a 3-node cluster (arca run --cluster: every fsync
#    returns once a majority has the new version in its log), against the same program on the same
#    volume with the local record (ARCA_STATE_DIR), and natively on the same disk;
#    goal: the cluster's commit at most 3x the local volume's; and the same program on a replicated
#    volume (--replicate: the blocks commit through the log too);
#  - failover: the same program commits in a stream through the cluster while the leader is
#    killed with kill -9, KILLS times (default 20); the figure is the time from the kill to the
#    commit that ends the stall it causes (p50, p99, max; goals p50 <= 1 s, max <= 3 s), and every
#    run must end without a failed commit.
#  - catch-up of a wiped node: FILL MiB (default 256) committed to a replicated volume in one
#    fsync (and the same on a local volume), then node n3 is killed, its directory wiped, and it is
#    started again with --join (docs/cluster.md, "Nodes"): the time from its start to its line
#    "joined the cluster", written once the cluster committed its membership, which Ratis does
#    only when the new member has caught up; against a 'cp' of a node's state-machine directory on
#    the same disk (the floor of any copy of the state); and before that, a new local copy of the
#    FILL volume through a follower's node (resident runs: one that reads little, whose copy
#    fetches the rest in the background; one that reads the whole volume into an empty copy, and
#    again with the copy in place), against a 'cp' of its file.
# What is not measured here: a service restarted on another node (bench/service-failover.sh).
# Prints a Markdown table (also bench/results/cluster.md); raw output in target/bench/cluster/.
# Options (environment): KILLS (20), N (commits per latency run, 500), RUNS (latency runs per
# side, 3), WARMUP (untimed commits through each of n1 and n2 before the latency runs, 5000), FILL (MiB, 256; 0: no catch-up).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/target/bench/cluster"
ARCA="$ROOT/arca"
KILLS=${KILLS:-20}; N=${N:-500}; RUNS=${RUNS:-3}; WARMUP=${WARMUP:-5000}; FILL=${FILL:-256}
rm -rf "$OUT"; mkdir -p "$OUT"
T=$(mktemp -d)
export ARCA_CONFIG_DIR="$T/config" ARCA_ATTESTATION_PROVIDER=sim
declare -A PID
cleanup() { for p in "${PID[@]}"; do kill -9 "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT
gcc -O2 -o "$OUT/commit" "$ROOT/bench/src/commit.c"
"$ARCA" cc -O2 -o "$OUT/commit.wasm" "$ROOT/bench/src/commit.c"
"$ARCA" cc -O2 -o "$OUT/append.wasm" "$ROOT/tests/cluster/append.c"
"$ARCA" attest quote -o "$T/q" 2>/dev/null
echo '{"allowSim": true}' > "$T/policy.json"
BASE=$((20000 + RANDOM % 20000))
addr() { echo "127.0.0.1$1:$((BASE + $1))"; }
PEERS="n1=$(addr 1),n2=$(addr 2),n3=$(addr 3)"
start() {
  "$ARCA" node start --id "n$1" --address "127.0.0.1$1" --raft-port $((BASE + $1)) --data "$T/d$1" --policy "$T/policy.json" --peers "$PEERS" >>"$OUT/n$1.log" 2>&1 &
  PID[$1]=$!
}
leader() {  # leader N: the leader's id as node N sees it (empty if none within 60 s)
  for _ in $(seq 1 60); do
    l=$("$ARCA" cluster status --node "$(addr "$1")" 2>/dev/null | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["leader"] or "")' 2>/dev/null || true)
    [ -n "$l" ] && { echo "$l"; return; }
    sleep 1
  done
}
for n in 1 2 3; do start $n; done
[ -n "$(leader 1)" ] || { echo "bench/cluster.sh: no leader elected" >&2; exit 1; }

head -c 32 /dev/urandom > "$T/key"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { grep -oE "$1 [0-9]+" | awk '{print $2}'; }
# the resident runs go through n1, made leader first: a service on the leader's node hands its
# commits to the leader's server in the same JVM (cluster/LocalRoute.java); the follower row runs
# through n2's resident runs instead, one gRPC hop from the leader
"$ARCA" cluster lead --id n1 --node "$(addr 1)" --policy "$T/policy.json" --timeout 10000 >> "$OUT/raw.log" 2>&1 \
  || { echo "bench/cluster.sh: n1 did not take the lead" >&2; exit 1; }
# warm-up, untimed: WARMUP commits of a replicated volume through each of n1's and n2's resident
# runs (arca run --node), so that the paths the rows below measure are compiled by HotSpot, as in
# a cluster that has run for a while: the leader's own (measured 2026-12-04: a replicated commit
# took 13 ms in a cluster's first 1,000 commits and 2.9 ms after 3,000; on 2026-12-07 a leader
# that had just taken over from the warm one took 8.6-10.7 ms in its first 500 commits and
# 3.8-4.5 ms in its fourth 500; a fresh cluster's median per round of 1,500 commits through the
# leader's node, later that day: 11.9, 6.9, 4.7, 4.5, 2.9, 2.9, 2.4, 2.7, 2.6 ms, HotSpot compiling
# into the ninth round: hence 5,000 each, 10,000 in all), and a follower's hop to it
if [ "$WARMUP" -gt 0 ]; then
  mkdir -p "$T/warm"
  "$ARCA" run --node "$T/d1" --cluster "$(addr 1)" --replicate --volume "$T/warm/w1.vol::/data" --key-file "$T/key" "$OUT/commit.wasm" latency "$WARMUP" /data/f >> "$OUT/raw.log"
  "$ARCA" run --node "$T/d2" --cluster "$(addr 2)" --replicate --volume "$T/warm/w2.vol::/data" --key-file "$T/key" "$OUT/commit.wasm" latency "$WARMUP" /data/f >> "$OUT/raw.log"
fi
[ "$(leader 1)" = n1 ] || { echo "bench/cluster.sh: n1 lost the lead during the warm-up" >&2; exit 1; }
for r in $(seq 1 "$RUNS"); do
  "$OUT/commit" latency "$N" "$T/native.dat" | tee -a "$OUT/raw.log" > "$OUT/lat-native.$r"
  # direct: a new JVM per run (its cluster client is cold); resident: the same program through node
  # n1's resident runs (a warm JVM, as a service's own commits are made)
  ARCA_STATE_DIR="$T/state" "$ARCA" run --volume "$T/local.vol::/data" --key-file "$T/key" "$OUT/commit.wasm" latency "$N" /data/f | tee -a "$OUT/raw.log" > "$OUT/lat-local.$r"
  "$ARCA" run --cluster "$(addr $(( r % 3 + 1 )))" --volume "$T/repl.vol::/data" --key-file "$T/key" "$OUT/commit.wasm" latency "$N" /data/f | tee -a "$OUT/raw.log" > "$OUT/lat-repl.$r"
  mkdir -p "$T/r$r" "$T/q$r"
  "$ARCA" run --cluster "$(addr $(( r % 3 + 1 )))" --replicate --volume "$T/r$r/blocks.vol::/data" --key-file "$T/key" "$OUT/commit.wasm" latency "$N" /data/f | tee -a "$OUT/raw.log" > "$OUT/lat-blocks.$r"
  ARCA_STATE_DIR="$T/state" "$ARCA" run --node "$T/d1" --volume "$T/rlocal.vol::/data" --key-file "$T/key" "$OUT/commit.wasm" latency "$N" /data/f | tee -a "$OUT/raw.log" > "$OUT/lat-rlocal.$r"
  "$ARCA" run --node "$T/d1" --cluster "$(addr 1)" --volume "$T/rrepl.vol::/data" --key-file "$T/key" "$OUT/commit.wasm" latency "$N" /data/f | tee -a "$OUT/raw.log" > "$OUT/lat-rrepl.$r"
  "$ARCA" run --node "$T/d1" --cluster "$(addr 1)" --replicate --volume "$T/q$r/blocks.vol::/data" --key-file "$T/key" "$OUT/commit.wasm" latency "$N" /data/f | tee -a "$OUT/raw.log" > "$OUT/lat-rblocks.$r"
  mkdir -p "$T/f$r"
  "$ARCA" run --node "$T/d2" --cluster "$(addr 2)" --replicate --volume "$T/f$r/blocks.vol::/data" --key-file "$T/key" "$OUT/commit.wasm" latency "$N" /data/f | tee -a "$OUT/raw.log" > "$OUT/lat-fblocks.$r"
done
stat() { cat "$OUT/lat-$1".* | field "$2" | median; }

# failover: a stream of commits through the cluster, the leader (found before the stream starts:
# a status call costs a JVM start) killed once the stream runs
: > "$T/failover"; failed=0; missed=0
for k in $(seq 1 "$KILLS"); do
  entry=$(( k % 3 + 1 ))
  l=$(leader $entry); L=${l#n}
  # emptied here, not by the job's own redirection: the job may open it after the loop below first
  # reads it, and the previous stream's acks then sent the kill into this stream's start (seen:
  # a kill during the mount counted as a 9.7 s failover)
  : > "$T/stream"
  "$ARCA" run --cluster "$(addr $entry)" --volume "$T/stream.vol::/data" --key-file "$T/key" "$OUT/commit.wasm" stream 15 /data/f >> "$T/stream" 2>"$T/stream.err" &
  guest=$!
  # the kill lands 1 s after the stream's 20th commit (a JVM can take seconds to start when the
  # machine is loaded: a fixed delay missed the stream)
  for _ in $(seq 1 300); do [ "$(grep -c '^ack' "$T/stream" 2>/dev/null)" -ge 20 ] && break; sleep 0.1; done
  sleep 1
  killed=$(date +%s%3N)
  kill -9 "${PID[$L]}"; wait "${PID[$L]}" 2>/dev/null || true
  if ! wait $guest; then failed=$((failed+1)); echo "kill $k: the stream failed:" >> "$OUT/raw.log"; cat "$T/stream.err" >> "$OUT/raw.log"; fi
  cp "$T/stream" "$OUT/stream.$k"
  # the commit that ends the longest stall begun at or after the kill (a commit already replicated
  # when the leader died may still be acknowledged just after it)
  first=$(awk -v t="$killed" '$1 == "ack" { if (prev != "" && $2 > t && $2 <= t + 10000) { from = prev > t ? prev : t; if ($2 - from > best) { best = $2 - from; end = $2 } } prev = $2 }
                               END { if (end != "") print end }' "$T/stream")
  last=$(awk '$1 == "ack" {t = $2} END {print t + 0}' "$T/stream")
  if [ -n "$first" ]; then echo $((first - killed)) >> "$T/failover"; echo "kill $k ($l): commits resumed $((first - killed)) ms after the kill" >> "$OUT/raw.log"
  elif [ "$last" -le "$killed" ]; then missed=$((missed+1)); echo "kill $k ($l): the stream had ended before the kill (not counted)" >> "$OUT/raw.log"
  else failed=$((failed+1)); echo "kill $k ($l): no commit after the kill" >> "$OUT/raw.log"; fi
  start "$L"
  [ -n "$(leader "$L")" ] || { echo "bench/cluster.sh: n$L did not rejoin" >&2; exit 1; }
done
# catch-up: FILL MiB in a replicated volume, n3 wiped and started again with --join
catchup=""
if [ "$FILL" -gt 0 ]; then
  mkdir -p "$T/fill"
  fill_start=$(date +%s%3N)
  "$ARCA" run --cluster "$(addr 1)" --replicate --volume "$T/fill/fill.vol::/data" --key-file "$T/key" "$OUT/append.wasm" --fill $((FILL * 1024)) >> "$OUT/raw.log"
  fill_ms=$(( $(date +%s%3N) - fill_start ))
  lfill_start=$(date +%s%3N)
  ARCA_STATE_DIR="$T/state" "$ARCA" run --volume "$T/fill/local.vol::/data" --key-file "$T/key" "$OUT/append.wasm" --fill $((FILL * 1024)) >> "$OUT/raw.log"
  lfill_ms=$(( $(date +%s%3N) - lfill_start ))
  # a new local copy of that volume through a follower's node (a service failing over to a node
  # that has not run it), resident runs on n2 whose blocks come from n2's own state machine: with
  # an empty local copy, the guest appending a line (the blocks it reads fetched then, the rest in
  # the background); with another empty copy, the guest reading the whole file (every block
  # fetched as read); the same read with that copy in place (its note says it matches: nothing
  # compared or fetched); against a 'cp' of the local volume file and a sync
  mkdir -p "$T/pull" "$T/whole"
  pull_start=$(date +%s%3N)
  "$ARCA" run --node "$T/d2" --cluster "$(addr 2)" --replicate --volume "$T/pull/fill.vol::/data" --key-file "$T/key" "$OUT/append.wasm" pulled >> "$OUT/raw.log"
  pull_ms=$(( $(date +%s%3N) - pull_start ))
  whole_start=$(date +%s%3N)
  "$ARCA" run --node "$T/d2" --cluster "$(addr 2)" --replicate --volume "$T/whole/fill.vol::/data" --key-file "$T/key" "$OUT/append.wasm" --check $((FILL * 1024)) >> "$OUT/raw.log"
  whole_ms=$(( $(date +%s%3N) - whole_start ))
  again_start=$(date +%s%3N)
  "$ARCA" run --node "$T/d2" --cluster "$(addr 2)" --replicate --volume "$T/whole/fill.vol::/data" --key-file "$T/key" "$OUT/append.wasm" --check $((FILL * 1024)) >> "$OUT/raw.log"
  again_ms=$(( $(date +%s%3N) - again_start ))
  vcp_start=$(date +%s%3N); cp "$T/fill/local.vol" "$T/vol-copy"; sync; vcp_ms=$(( $(date +%s%3N) - vcp_start )); rm -f "$T/vol-copy"
  sm=$(ls -d "$T"/d1/raft/*/sm)
  cp_start=$(date +%s%3N); cp -r "$sm" "$T/sm-copy"; sync; cp_ms=$(( $(date +%s%3N) - cp_start )); state_mb=$(du -sm "$T/sm-copy" | cut -f1); rm -rf "$T/sm-copy"
  kill -9 "${PID[3]}"; wait "${PID[3]}" 2>/dev/null || true; rm -rf "$T/d3"
  # the wiped node started again under its id and address with --join: it has caught up when the
  # cluster committed its new membership (Ratis adds a member only once it has caught up), which
  # the node reports in one line; the time includes the node's JVM start
  add_start=$(date +%s%3N)
  "$ARCA" node start --id n3 --address 127.0.0.13 --raft-port $((BASE + 3)) --data "$T/d3" --policy "$T/policy.json" --join "$(addr 1)" >>"$OUT/n3.log" 2>&1 &
  PID[3]=$!
  for _ in $(seq 1 1200); do grep -q "node n3: joined the cluster" "$OUT/n3.log" && break; sleep 0.1; done
  add_ms=$(( $(date +%s%3N) - add_start ))
  grep -q "node n3: joined the cluster" "$OUT/n3.log" || { echo "bench/cluster.sh: the wiped n3 did not rejoin" >&2; exit 1; }
  # a node that caught up from the log alone has no snapshot yet (one every 10,000 entries)
  how=$(ls "$T"/d3/raft/*/sm/snapshot.* >/dev/null 2>&1 && echo "from a snapshot and its segments, then the log" || echo "from the log")
  catchup="Bulk: $FILL MiB written and committed in one fsync (a whole run, JVM start included): replicated volume $fill_ms ms, local volume $lfill_ms ms ($(awk -v a="$fill_ms" -v b="$lfill_ms" 'BEGIN {printf "%.1fx", a/b}')). A new local copy of that volume through a follower's node (resident runs, blocks from the node's own state machine): with an empty local copy, the guest appending a line (what it reads fetched then, the rest in the background), $pull_ms ms; the guest reading the whole file into another empty copy (every block fetched as read) $whole_ms ms; the same read with that copy in place (nothing compared or fetched) $again_ms ms; a 'cp' of the local volume's file and a sync $vcp_ms ms (fetch against cp: $(awk -v a="$whole_ms" -v b="$again_ms" -v c="$vcp_ms" 'BEGIN {printf "%.1fx", (a-b)/c}'), the read with the copy in place subtracted). Catch-up of a wiped node: the state machine's directory then held $state_mb MB; n3 killed and wiped, back with --join (same id and address, empty directory) and caught up $add_ms ms after its start ($how; $(awk -v m="$state_mb" -v t="$add_ms" 'BEGIN {printf "%.0f", m / (t / 1000)}') MB/s), against $cp_ms ms for a 'cp' of that directory on the same disk ($(awk -v a="$add_ms" -v b="$cp_ms" 'BEGIN {printf "%.1fx", a/b}'))."
  echo "$catchup" >> "$OUT/raw.log"
fi
pct() { sort -n "$T/failover" | awk -v p="$1" '{a[NR]=$1} END {i=int(NR*p/100+0.999); if (i<1) i=1; print a[i]}'; }

lm=$(stat local median_us); rm_=$(stat repl median_us); nm=$(stat native median_us); bm=$(stat blocks median_us)
rlm=$(stat rlocal median_us); rrm=$(stat rrepl median_us); rbm=$(stat rblocks median_us); fbm=$(stat fblocks median_us)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a/b}'; }
{
  echo "## Cluster ($(date -u +%Y-%m-%d), \`bench/cluster.sh\`, KILLS=$KILLS N=$N RUNS=$RUNS WARMUP=$WARMUP, 3 nodes on loopback, 2 cores)"
  echo
  echo "| commit (4 KiB write + fsync) | median µs | p99 µs | commits/s |"
  echo "|---|---|---|---|"
  echo "| native, same disk (ext4) | $nm | $(stat native p99_us) | $(stat native per_s) |"
  row() { echo "| $1 | $(stat "$2" median_us) | $(stat "$2" p99_us) | $(stat "$2" per_s) |"; }
  row "Arca, encrypted volume, local version record" local
  row "Arca, encrypted volume, version committed in the cluster" repl
  row "Arca, replicated volume (blocks and version through the cluster, --replicate)" blocks
  row "resident (arca run --node) on the leader's node, encrypted volume, local version record" rlocal
  row "resident on the leader's node, encrypted volume, version committed in the cluster" rrepl
  row "resident on the leader's node, replicated volume (--replicate)" rblocks
  row "resident on a follower's node, replicated volume (--replicate)" fblocks
  echo
  echo "Medians against the local volume's commit in the same kind of run (goal for a replicated commit: at most 3x):" \
       "direct runs: version in the cluster $(ratio "$rm_" "$lm"), replicated volume $(ratio "$bm" "$lm");" \
       "resident runs on the leader's node: version in the cluster $(ratio "$rrm" "$rlm"), replicated volume $(ratio "$rbm" "$rlm");" \
       "on a follower's node: replicated volume $(ratio "$fbm" "$rlm")."
  echo
  if [ "$KILLS" -gt 0 ]; then
  echo "Failover, kill -9 of the leader to the commit that ends the stall it causes, $(wc -l < "$T/failover") kills:" \
       "p50 $(pct 50) ms, p99 $(pct 99) ms, max $(pct 100) ms (goals: p50 <= 1000, max <= 3000); failed commits or streams: $failed; kills that missed the stream (not counted): $missed."
  fi
  [ -n "$catchup" ] && { echo; echo "$catchup"; }
  echo
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
} | tee "$ROOT/bench/results/cluster.md"
