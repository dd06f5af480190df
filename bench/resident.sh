# Sourced by the benchmarks that measure through a resident node (bench/run.sh, bench/encfs.sh,
# bench/processes.sh): one way to start the node and to stop it.
#
# start_resident DIR LOG LAUNCHER...: starts 'LAUNCHER node start --data DIR' in the background
# (output to LOG), sets RESIDENT_PID, and waits up to 30 s for its socket; returns 1 if it never
# came (the caller decides whether that is fatal).
start_resident() {
  local dir=$1 log=$2
  shift 2
  "$@" node start --data "$dir" >"$log" 2>&1 &
  RESIDENT_PID=$!
  for _ in $(seq 1 300); do [ -S "$dir/run.sock" ] && return 0; sleep 0.1; done
  return 1
}

# stop_resident: stops the node start_resident started, if any, and waits for it.
stop_resident() {
  [ -n "${RESIDENT_PID:-}" ] || return 0
  kill "$RESIDENT_PID" 2>/dev/null || true
  wait "$RESIDENT_PID" 2>/dev/null || true
  RESIDENT_PID=
}
