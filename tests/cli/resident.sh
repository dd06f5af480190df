#!/usr/bin/env bash
# 'arca run --node DIR': programs run in a resident node (arca node start --data DIR).
# What a direct run gives, a node's run must give too (exit codes, stdio byte for byte, stdin read
# only as the guest asks, terminals, the client's variables and working directory, signals); and a
# node must survive its clients: hostile frames, oversized and silent hellos, another user, a client
# killed mid-run, a reader that stops reading, many at once, a stale or foreign socket file.
# (tests/c/run.sh runs every C test through a node as well: ARCA_ENGINES=resident.)
# Prints PASS/FAIL per case and "N passed, M failed".
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ARCA=$REPO/arca
T=$(mktemp -d)
chmod 755 "$T"
NODE=$T/node
NODE_PID=
pass=0 fail=0
cleanup() {
  [ -n "$NODE_PID" ] && kill -9 "$NODE_PID" 2>/dev/null
  jobs -p | xargs -r kill -9 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT

ok() { pass=$((pass+1)); echo "PASS $1"; }
bad() { fail=$((fail+1)); echo "FAIL $1: $2"; }
# check NAME CONDITION-COMMAND... : PASS when the command succeeds
check() { local n=$1; shift; if "$@"; then ok "$n"; else bad "$n" "$*"; fi; }

"$ARCA" cc -O2 "$HERE/resident/guest.c" -o "$T/guest.wasm" || { echo "FAIL build guest"; echo "0 passed, 1 failed"; exit 1; }
G=$T/guest.wasm

start_node() {
  "$ARCA" node start --data "$NODE" >>"$T/node.log" 2>&1 &
  NODE_PID=$!
  # (a socket file may be there already, a dead node's: wait until this one answers)
  for _ in $(seq 1 300); do
    kill -0 "$NODE_PID" 2>/dev/null || return 1
    "$ARCA" run --node "$NODE" "$G" exit 0 >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
node_alive() { kill -0 "$NODE_PID" 2>/dev/null; }
R() { "$ARCA" run --node "$NODE" "$@"; }
# a run through the node still works (after each hostile case)
serves() { [ "$(R "$G" exit 0 >/dev/null 2>&1; echo $?)" = 0 ] && [ "$(echo hi | R "$G" cat 2>/dev/null)" = hi ]; }
no_trace() { ! grep -Eq 'Exception|^\s+at [a-z]|\.java:[0-9]+\)' "$@"; }

check "node starts with --data alone, socket mode 0600" start_node
check "socket is 0600" [ "$(stat -c %a "$NODE/run.sock")" = 600 ]

# ---- what a direct run gives ------------------------------------------------------------------
head -c 3000000 /dev/urandom >"$T/blob"
R "$G" cat <"$T/blob" >"$T/blob.out" 2>"$T/blob.err"; rc=$?
check "stdin to stdout, 3 MB byte for byte" cmp -s "$T/blob" "$T/blob.out"
check "exit code and stderr as direct" [ "$rc" = 3 -a "$(cat "$T/blob.err")" = "3000000 bytes" ]
for code in 0 1 42 255; do
  R "$G" exit $code; check "exit $code" [ $? = $code ]
done
R "$G" nosuchmode 2>"$T/e"; rc=$?
check "guest's own stderr and exit 2" [ $rc = 2 -a "$(cat "$T/e")" = "guest: unknown mode nosuchmode" ]
for args in "--bogus $G" "$T/missing.wasm" "--engine foo $G" "--node x $G"; do
  # shellcheck disable=SC2086
  "$ARCA" run $args >"$T/d.out" 2>"$T/d.err"; drc=$?
  # shellcheck disable=SC2086
  R $args >"$T/n.out" 2>"$T/n.err"; nrc=$?
  if [ "$args" = "--node x $G" ]; then
    check "--node twice: a clear error" [ $nrc = 125 -a "$(cat "$T/n.err")" = "arca: error: --node: this is a node already" ]
  else
    check "bad usage as direct: $args" [ $drc = $nrc -a "$(sed "s|$T/||" "$T/d.err")" = "$(sed "s|$T/||" "$T/n.err")" ]
  fi
done
R --help >"$T/h" 2>&1; check "--help through the node" grep -q "Usage: arca run" "$T/h"
# the client's working directory and variables, not the node's
mkdir -p "$T/work/sub" && echo inside >"$T/work/sub/f"
(cd "$T/work" && R --dir sub::/d ../guest.wasm ls /d/f >"$T/ls.out" 2>&1)
check "relative --dir and PROGRAM from the client's directory" [ "$(cat "$T/ls.out")" = inside ]
check "--env NAME from the client's environment" [ "$(ARCA_RES_X=client R --env ARCA_RES_X "$G" env ARCA_RES_X)" = client ]
check "nothing else of the client's environment" [ "$(ARCA_RES_X=client R "$G" env ARCA_RES_X)" = "(unset)" ]
# a module the node has not loaded yet (the guest with a custom section appended), so it is compiled and cached
{ cat "$G"; printf '\000\004\003new'; } >"$T/guest2.wasm"
ARCA_CACHE_DIR="$T/cache" R "$T/guest2.wasm" exit 0
check "ARCA_CACHE_DIR from the client" [ -n "$(ls -A "$T/cache" 2>/dev/null)" ]
check "ARCA_TIMING from the client, to its stderr" sh -c "ARCA_TIMING=1 '$ARCA' run --node '$NODE' '$G' exit 0 2>&1 | grep -q 'process ended'"
check "not a terminal through pipes" [ "$(R "$G" tty </dev/null | cat)" = "0 0 0" ]
check "terminals through a pty" sh -c "script -qec \"'$ARCA' run --node '$NODE' '$G' tty\" /dev/null | tr -d '\r' | grep -qx '1 1 1'"

# ---- signals and clients that go away ---------------------------------------------------------
# (the client itself in the background, so that the signals reach it: "$ARCA" execs it)
"$ARCA" run --node "$NODE" "$G" sigint >"$T/s.out" & c=$!; for _ in $(seq 50); do grep -q waiting "$T/s.out" 2>/dev/null && break; sleep 0.1; done
kill -INT $c; wait $c; rc=$?
check "SIGINT reaches the guest's handler" [ $rc = 7 -a "$(tail -1 "$T/s.out")" = "got 2" ]
"$ARCA" run --node "$NODE" --dir "$T::/" "$G" tick /t1 >/dev/null & c=$!; sleep 0.5; kill -TERM $c; wait $c; rc=$?
check "SIGTERM: default action, exit 143" [ $rc = 143 ]
(cd "$T" && exec "$REPO/cli/target/arca-run" "$NODE" run --dir .::/ "$G" tick /ticks >/dev/null 2>&1) & c=$!
for _ in $(seq 100); do [ -s "$T/ticks" ] && break; sleep 0.1; done
kill -9 $c; wait $c 2>/dev/null; sleep 0.5; n1=$(wc -l <"$T/ticks"); sleep 1; n2=$(wc -l <"$T/ticks")
check "client killed -9: its guest stops (ticks $n1 then $n2)" [ "$n1" -gt 0 -a "$n1" = "$n2" ]
timeout 20 bash -c "'$ARCA' run --node '$NODE' '$G' yes | head -3 >/dev/null; exit \${PIPESTATUS[0]}"; rc=$?
check "a reader that stops (| head): SIGPIPE, exit 141" [ $rc = 141 ]
check "node serves after the clients went away" serves

# ---- hostile clients: raw frames ----------------------------------------------------------------
cat >"$T/raw.py" <<'PY'
import os, socket, struct, sys, time
path, case = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
def strs(xs):
    return struct.pack(">I", len(xs)) + b"".join(struct.pack(">I", len(x)) + x for x in xs)
def hello(args, cwd=b"/", version=1, extra=b""):
    body = struct.pack(">II", version, 0) + strs(args) + strs([b"A=B"]) + struct.pack(">I", len(cwd)) + cwd + extra
    return b"H" + struct.pack(">I", len(body)) + body
guest = sys.argv[3].encode()
tick = [b"run", b"--dir", sys.argv[4].encode() + b"::/", guest, b"tick", b"/" + case.encode()] if len(sys.argv) > 4 else []
try:
  if case == "garbage": s.sendall(os.urandom(4096))
  elif case == "huge-length": s.sendall(b"H\xff\xff\xff\xff")
  elif case == "big-count": s.sendall(b"H" + struct.pack(">I", 12) + struct.pack(">III", 1, 0, 0x7fffffff))
  elif case == "cut-short": s.sendall(b"H" + struct.pack(">I", 100) + b"\0\0\0\1"); s.shutdown(socket.SHUT_WR)
  elif case == "version": s.sendall(hello([b"run", guest], version=99))
  elif case == "not-run": s.sendall(hello([b"node", b"start", b"--data", b"/tmp/x"]))
  elif case == "relative-cwd": s.sendall(hello([b"run", guest], cwd=b"tmp"))
  elif case == "trailing": s.sendall(hello([b"run", guest], extra=b"xx"))
  elif case == "stdin-too-much":
    s.sendall(hello(tick))
    time.sleep(1)
    s.sendall(b"I" + struct.pack(">I", 65537) + b"x" * 65537)
  elif case == "bad-signal": s.sendall(hello(tick)); time.sleep(1); s.sendall(b"S" + struct.pack(">Ii", 4, 99))
  elif case == "silent": time.sleep(float(sys.argv[4]))
  elif case == "unknown-frame": s.sendall(hello(tick)); time.sleep(1); s.sendall(b"Z" + struct.pack(">I", 0))
except (BrokenPipeError, ConnectionResetError):
  pass # the node closed first: what it said is read below
s.settimeout(15)
out = b""
try:
    while True:
        b = s.recv(65536)
        if not b: break
        out += b
except Exception as e:
    out += ("<%s>" % type(e).__name__).encode()
# the frames the node sent: E (its one line) then X (the exit code)
i, said, code = 0, b"", None
while i + 5 <= len(out):
    t, n = out[i:i+1], struct.unpack(">I", out[i+1:i+5])[0]
    p = out[i+5:i+5+n]; i += 5 + n
    if t == b"E": said += p
    if t == b"X": code = struct.unpack(">I", p)[0]
print(code, said.decode(errors="replace").strip())
PY
PY=/usr/bin/python3; [ -x $PY ] || PY=python3
raw() { timeout 30 $PY "$T/raw.py" "$NODE/run.sock" "$1" "$G" "${@:2}" 2>&1; }
# says CASE REGEX: the node's answer to a raw client matches (code, then its one line)
says() { raw "$1" | grep -Eq "$2"; }
check "garbage bytes: refused, one line" says garbage '^2 arca: --node: expected a hello'
check "hello of 4 GiB: refused before reading it" says huge-length '^2 arca: --node: hello of 4294967295 bytes'
check "a count past the hello's end" says big-count 'strings in a hello of 12 bytes'
check "hello cut short (half-closed)" says cut-short '^(None $|2 .*cut short)'
check "another protocol version: named" says version 'client protocol 99, node 1'
check "only 'arca run' runs in a node" says not-run "only 'arca run'"
check "a relative working directory: refused" says relative-cwd 'not absolute'
check "bytes after the hello's fields: refused" says trailing 'too many'
for c in stdin-too-much bad-signal unknown-frame; do
  out=$(raw $c "$T"); sleep 0.5
  n1=$(wc -l <"$T/$c" 2>/dev/null); sleep 0.5; n2=$(wc -l <"$T/$c" 2>/dev/null)
  check "$c: the node ends the session ($out) and stops its guest (ticks $n1 then $n2)" [ "$out" = "None " -a "${n1:-0}" -gt 0 -a "$n1" = "$n2" ]
done
check "node alive and serving after hostile frames" serves
check "node log: no Java stack trace" no_trace "$T/node.log"

# a silent client is dropped after 10 s; meanwhile others are served
raw silent 12 >"$T/silent.out" & sp=$!
sleep 1
check "others served while a client is silent" serves
wait $sp
check "a silent client dropped within its 12 s" grep -q '^None' "$T/silent.out"

# ---- another user ---------------------------------------------------------------------------------
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  chmod 711 "$NODE" "$T"
  cp "$T/raw.py" /tmp/arca-res-raw.$$.py && chmod 644 /tmp/arca-res-raw.$$.py
  out=$(setpriv --reuid=65534 --regid=65534 --clear-groups $PY /tmp/arca-res-raw.$$.py "$NODE/run.sock" version "$G" 2>&1)
  check "another user: the socket's mode refuses it" sh -c "echo '$out' | grep -q PermissionError"
  chmod 666 "$NODE/run.sock" # as if it came before the node's chmod: the node's own check must refuse
  out=$(setpriv --reuid=65534 --regid=65534 --clear-groups $PY /tmp/arca-res-raw.$$.py "$NODE/run.sock" version "$G" 2>&1)
  chmod 600 "$NODE/run.sock"; rm -f /tmp/arca-res-raw.$$.py
  check "another user through a 0666 socket: refused by its uid ($out)" [ "$out" = "None " ]
  check "node logs the refusal" grep -q "refused a client running as another user" "$T/node.log"
else
  echo "SKIP another user (needs root and setpriv to act as nobody)"
fi

# ---- many at once -------------------------------------------------------------------------------
for i in $(seq 1 8); do head -c $((100000 + i * 7919)) /dev/urandom >"$T/in$i"; done
pids=()
for i in $(seq 1 8); do (R "$G" cat <"$T/in$i" >"$T/out$i" 2>/dev/null) & pids+=($!); done
wait "${pids[@]}"
same=0; for i in $(seq 1 8); do cmp -s "$T/in$i" "$T/out$i" && same=$((same+1)); done
check "8 clients at once, each its own bytes back ($same/8)" [ $same = 8 ]

# ---- the node's socket file ---------------------------------------------------------------------
"$ARCA" node start --data "$NODE" >"$T/second.log" 2>&1; rc=$?
check "a second node on the same --data: refused" [ $rc = 125 -a -n "$(grep 'another process serves there' "$T/second.log")" ]
"$ARCA" run --node "$NODE" --dir "$T::/" "$G" tick /t2 >/dev/null 2>"$T/stop.err" & c=$!; sleep 1
kill -TERM "$NODE_PID"; wait "$NODE_PID"; NODE_PID=
wait $c; rc=$?
check "node stopped mid-run: the client says so, exit 125" [ $rc = 125 -a -n "$(grep 'closed the connection' "$T/stop.err")" ]
check "a stopped node removes its socket" [ ! -e "$NODE/run.sock" ]
R "$G" exit 0 2>"$T/none.err"; rc=$?
check "no node: one clear line, exit 125" [ $rc = 125 -a -n "$(grep -- "--node $NODE: no node answers" "$T/none.err")" ]
start_node; kill -9 "$NODE_PID"; wait "$NODE_PID" 2>/dev/null; NODE_PID=
check "a node killed -9 leaves its socket" [ -S "$NODE/run.sock" ]
check "a new node replaces the stale socket" start_node
check "and serves" serves
kill -TERM "$NODE_PID"; wait "$NODE_PID"; NODE_PID=
echo "not a socket" >"$NODE/run.sock"
"$ARCA" node start --data "$NODE" >"$T/file.log" 2>&1; rc=$?
check "a regular file at run.sock: left alone, refused" [ $rc = 125 -a "$(cat "$NODE/run.sock")" = "not a socket" -a -n "$(grep 'not a socket' "$T/file.log")" ]
rm -f "$NODE/run.sock"; echo "elsewhere" >"$T/target"; ln -s "$T/target" "$NODE/run.sock"
"$ARCA" node start --data "$NODE" >"$T/link.log" 2>&1; rc=$?
check "a symlink at run.sock: not followed, left alone, refused" [ $rc = 125 -a -L "$NODE/run.sock" -a "$(cat "$T/target")" = elsewhere -a -n "$(grep 'not a socket' "$T/link.log")" ]
rm -f "$NODE/run.sock" "$NODE/run.sock.lock"; ln -s "$T/target" "$NODE/run.sock.lock"
"$ARCA" node start --data "$NODE" >"$T/lock.log" 2>&1; rc=$?
check "a symlink at run.sock.lock: not followed, refused" [ $rc = 125 -a -L "$NODE/run.sock.lock" -a "$(cat "$T/target")" = elsewhere -a -n "$(grep 'lock file' "$T/lock.log")" ]
rm -f "$NODE/run.sock.lock"
# two nodes started at once on one directory: exactly one serves, the other stops with one line; on a
# fresh directory, and on one where a node killed -9 left its socket (both find it dead: the check,
# the removal and the bind are one step under run.sock.lock, else each could remove the other's)
race() { # DIR LABEL
  "$ARCA" node start --data "$1" >"$T/race1.log" 2>&1 & local r1=$!
  "$ARCA" node start --data "$1" >"$T/race2.log" 2>&1 & local r2=$!
  for _ in $(seq 1 300); do "$ARCA" run --node "$1" "$G" exit 0 >/dev/null 2>&1 && break; sleep 0.1; done
  local alive=2
  for _ in $(seq 1 600); do alive=0; for p in $r1 $r2; do kill -0 $p 2>/dev/null && alive=$((alive+1)); done; [ $alive -le 1 ] && break; sleep 0.1; done
  check "two nodes started at once on $2: one serves ($alive alive), the other stops with one line" \
    [ $alive = 1 -a "$(cat "$T/race1.log" "$T/race2.log" | grep -c 'another process serves there')" = 1 ]
  check "the one that serves answers ($2)" "$ARCA" run --node "$1" "$G" exit 0
  kill -TERM $r1 $r2 2>/dev/null; wait $r1 $r2 2>/dev/null
  check "no Java stack trace ($2)" no_trace "$T/race1.log" "$T/race2.log"
}
race "$T/race" "a fresh --data"
"$ARCA" node start --data "$T/race" >/dev/null 2>&1 & p=$!
for _ in $(seq 1 300); do "$ARCA" run --node "$T/race" "$G" exit 0 >/dev/null 2>&1 && break; sleep 0.1; done
kill -9 $p; wait $p 2>/dev/null
check "(a node killed -9 left its socket in the race directory)" [ -S "$T/race/run.sock" ]
race "$T/race" "a --data with a dead node's socket"
check "no Java stack trace anywhere" no_trace "$T/node.log" "$T/second.log" "$T/file.log" "$T/link.log" "$T/lock.log"
"$ARCA" run --dir . --node "$NODE" "$G" exit 0 2>"$T/order.err"; rc=$?
check "--node after other flags: a clear error" [ $rc = 125 -a -n "$(grep 'must be the first flag' "$T/order.err")" ]

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
