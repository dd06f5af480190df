#!/usr/bin/env bash
# tests/threads/run.sh: the kernel's threads (wasi-threads' thread-spawn, exit_group, limits),
# with hand-written WebAssembly (wat2wasm --enable-threads) so that each case is exactly the
# instruction sequence it names, independent of the SDK's pthreads (those are tests/c/pthread_*.c).
# Each case: a module, a manifest's limits, the exit code and a pattern its stderr must match.
set -uo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
HERE="$ROOT/tests/threads"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
command -v wat2wasm >/dev/null || { apt-get install -y -qq wabt >/dev/null 2>&1 || sudo apt-get install -y -qq wabt >/dev/null; }
passed=0 failed=0

# case NAME LIMITS_JSON EXIT STDOUT STDERR_REGEX [TIMEOUT]
case_() {
  local name=$1 limits=$2 want=$3 out=$4 err=$5 limit=${6:-60}
  if ! wat2wasm --enable-threads "$HERE/$name.wat" -o "$T/$name.wasm" 2>"$T/$name.wat.err"; then
    echo "FAIL $name: wat2wasm: $(head -1 "$T/$name.wat.err")"; failed=$((failed + 1)); return
  fi
  printf '{"limits": %s}\n' "$limits" >"$T/$name.json"
  local rc t0 t1
  t0=$(date +%s%N)
  timeout "$limit" "$ROOT/arca" run --manifest "$T/$name.json" "$T/$name.wasm" >"$T/$name.out" 2>"$T/$name.err"
  rc=$?
  t1=$(date +%s%N)
  local why=
  [ "$rc" = "$want" ] || why="exit $rc, want $want"
  [ -z "$why" ] && [ "$(cat "$T/$name.out")" != "$out" ] && why="stdout '$(head -c 200 "$T/$name.out")', want '$out'"
  [ -z "$why" ] && [ -n "$err" ] && ! grep -Eq "$err" "$T/$name.err" && why="stderr does not match /$err/: $(head -3 "$T/$name.err")"
  if [ -z "$why" ]; then
    echo "PASS $name ($(( (t1 - t0) / 1000000 )) ms)"; passed=$((passed + 1))
  else
    echo "FAIL $name: $why"; failed=$((failed + 1))
  fi
}

case_ counter '{}' 0 "counter ok" ''
case_ bomb '{"threads": 8}' 0 "" ''
case_ exit_in_thread '{}' 7 "" ''
case_ trap_in_thread '{}' 134 "" 'trap: unreachable'
case_ spin_cpu '{"cpuTime": "1s"}' 137 "" 'CPU time limit'
case_ not_shared '{}' 0 "" ''
case_ grow_limit '{"memory": "256KiB"}' 137 "" 'memory limit'
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
