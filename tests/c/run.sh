#!/usr/bin/env bash
# run.sh - build the C syscall tests natively (gcc) and for wasm32-wasi
# (clang), run each both ways in a fresh temp dir, and compare stdout + exit
# code. The native Linux run is the oracle.
#
#   tests/c/run.sh [NAME...]        # no names: every tests/c/*.c
#
# Environment:
#   WASM_RUNNER   arca (default: /work/main/arca, i.e. <repo>/arca), node (uses
#                 tests/c/node-wasi.mjs), or a path to any command taking
#                 `run [--dir HOST::GUEST]... [--env N=V]... PROG.wasm ARGS...`
#                 (wasmtime works too).
#   BUILD_DIR     where binaries go (default: <repo>/target/ctests)
#   CC, WASM_CC   compilers (default: gcc, and "<repo>/arca cc", the SDK driver)
#   TEST_TIMEOUT  seconds per run (default: 60)
#   TESTS_DIR     where the test programs and their sidecar files are (default: tests/c)
#   TEST_EXT      their file name extension (default: c; tests/cxx/run.sh sets cpp, with
#                 CC=g++ and WASM_CC="<repo>/arca c++")
#   TEST_CFLAGS   more compiler options for both sides (tests/cxx/run.sh: -std=c++20)
#   ARCA_ENGINES  the engines the wasm side runs on, each compared with native, e.g.
#                 "default chicory" (default: default, i.e. `arca run` as is; NAME is then
#                 reported as NAME@ENGINE for the others, run with `arca run --engine ENGINE`;
#                 threaded programs, pthread_*, are skipped on chicory, which has no threads)
#                 The engine "resident" runs the default engine in a resident node instead:
#                 `arca run --node DIR ...`, through the native client, every program in one
#                 warm JVM that this script starts (`arca node start --data DIR`) and stops
#   KEEP_TMP=1    keep the per-test temp dirs (printed on failure)
#   ARCA_C_VOLUME=1  run the wasm side on a fresh encrypted volume instead of a host
#                 directory: `run --volume FRESH.vol::/ --key-file KEY` (wasm-only tests,
#                 which are about host directories, are skipped)
#
# A program named pthread_*.c is built with -pthread by both compilers; pthread_lpthread*.c is
# compiled without it and linked with -lpthread (as configure scripts build).
#
# Per-test sidecar files, next to NAME.c (all optional):
#   NAME.stderr  an extended regex the wasm side's first line of stderr must match (stderr is
#               not compared with native: the C libraries' messages differ)
#   NAME.args   program arguments, one per line (an empty line is an empty arg)
#   NAME.env    extra environment, NAME=VALUE per line (ARCA_TEST=1 is always set)
#   NAME.stdin  fed to stdin through a pipe (default: an empty pipe)
#   NAME.arca-flags  extra `arca run` options for the wasm side, one per line, e.g. the network
#               policy a socket test needs (`--listen` and `--connect` entries); only with the
#               arca runner (other runners are given none)
#
# Each program runs natively as `env -i ARCA_TEST=1 ... ./NAME ARGS` with
# cwd = a fresh empty temp dir, and under wasm as
# `RUNNER run --dir FRESH_TMP::/ --env ARCA_TEST=1 ... NAME.wasm ARGS`.
#
# Prints `PASS name` / `FAIL name` (+ diff), `SKIP name` for tests not run,
# then exactly `N passed, M failed`; exits 1 if anything failed.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
TESTS=${TESTS_DIR:-$HERE}
EXT=${TEST_EXT:-c}
BUILD_DIR=${BUILD_DIR:-$REPO/target/ctests}
read -r -a ENGINES <<<"${ARCA_ENGINES:-default}"
CC=${CC:-gcc}
WASM_CC=${WASM_CC:-$REPO/arca cc}
TEST_TIMEOUT=${TEST_TIMEOUT:-60}
WASM_RUNNER=${WASM_RUNNER:-arca}

CFLAGS=(-O2 -Wall -Wno-unused-result -I"$HERE" -I"$TESTS")
if [[ "$WASM_CC" == *"arca cc" || "$WASM_CC" == *"arca c++" ]]; then
  WASM_CFLAGS=(-O2 -Wall -I"$HERE" -I"$TESTS")   # the SDK driver brings target, sysroot and libarca
else
  WASM_CFLAGS=(--target=wasm32-wasi --sysroot=/usr -Wno-deprecated --no-wasm-opt -O2 -Wall -I"$HERE")
fi
read -r -a EXTRA_CFLAGS <<<"${TEST_CFLAGS:-}"
CFLAGS+=("${EXTRA_CFLAGS[@]}")
WASM_CFLAGS+=("${EXTRA_CFLAGS[@]}")

case "$WASM_RUNNER" in
    arca) RUNNER=("$REPO/arca") ;;
    node) RUNNER=(node --no-warnings "$HERE/node-wasi.mjs") ;;
    *)    RUNNER=("$WASM_RUNNER") ;;
esac

mkdir -p "$BUILD_DIR/native" "$BUILD_DIR/wasm" "$BUILD_DIR/out"
TMPROOT=$(mktemp -d "${TMPDIR:-/tmp}/arca-ctests.XXXXXX")
NODE_PID=
cleanup() {
    if [ -n "$NODE_PID" ]; then kill "$NODE_PID" 2>/dev/null; wait "$NODE_PID" 2>/dev/null; fi
    [ "${KEEP_TMP:-0}" = 1 ] || rm -rf "$TMPROOT"
}
trap cleanup EXIT
# a resident node for the "resident" engine, started once for every program
if [[ " ${ENGINES[*]} " == *" resident "* ]]; then
    "$REPO/arca" node start --data "$TMPROOT/node" >"$TMPROOT/node.log" 2>&1 &
    NODE_PID=$!
    for _ in $(seq 1 300); do [ -S "$TMPROOT/node/run.sock" ] && break; sleep 0.1; done
    [ -S "$TMPROOT/node/run.sock" ] || { echo "FAIL resident node did not start:"; cat "$TMPROOT/node.log"; echo "0 passed, 1 failed"; exit 1; }
fi
if [ "${ARCA_C_VOLUME:-0}" = 1 ]; then
    head -c 32 /dev/urandom >"$TMPROOT/volume.key"
    export ARCA_STATE_DIR="$TMPROOT/state"
fi

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }

# build NAME SRC... -> sets ok; compiles into native/ and wasm/ (native skipped with NATIVE=0).
# A pthread_*.c program is built with -pthread on both sides (arca cc: the threaded C library).
build() {
    local name=$1 src=$2 log="$BUILD_DIR/out/$1.build.log"
    local -a threads=()
    case "$name" in
        pthread_lpthread*)
            # compiled without -pthread, linked with -lpthread, as configure scripts do
            : >"$log"
            if [ "${NATIVE:-1}" = 1 ] && ! { "$CC" "${CFLAGS[@]}" -c "$src" -o "$BUILD_DIR/native/$name.o" &&
                    "$CC" "$BUILD_DIR/native/$name.o" -o "$BUILD_DIR/native/$name" -lpthread; } >>"$log" 2>&1; then
                fail "$name" "native build failed"; sed 's/^/    /' "$log"; return 1
            fi
            if ! { $WASM_CC "${WASM_CFLAGS[@]}" -c "$src" -o "$BUILD_DIR/wasm/$name.o" &&
                    $WASM_CC "$BUILD_DIR/wasm/$name.o" -o "$BUILD_DIR/wasm/$name.wasm" -lpthread; } >>"$log" 2>&1; then
                fail "$name" "wasm build failed"; sed 's/^/    /' "$log"; return 1
            fi
            return 0 ;;
        pthread_*) threads=(-pthread) ;;
    esac
    : >"$log"
    if [ "${NATIVE:-1}" = 1 ] && ! "$CC" "${CFLAGS[@]}" "${threads[@]}" "$src" -o "$BUILD_DIR/native/$name" >>"$log" 2>&1; then
        fail "$name" "native build failed"; sed 's/^/    /' "$log"; return 1
    fi
    if ! $WASM_CC "${WASM_CFLAGS[@]}" "${threads[@]}" "$src" -o "$BUILD_DIR/wasm/$name.wasm" >>"$log" 2>&1; then
        fail "$name" "wasm build failed"; sed 's/^/    /' "$log"; return 1
    fi
}

# run_case MODE NAME [ENGINE]: runs one side, writes out/NAME.MODE.{stdout,stderr,rc}
run_case() {
    local mode=$1 name=$2 engine=${3:-default} out="$BUILD_DIR/out/$2.$1"
    local dir="$TMPROOT/$name.$mode"
    mkdir -p "$dir"
    local -a args=() envs=(ARCA_TEST=1)
    [ -f "$TESTS/$name.args" ] && mapfile -t args <"$TESTS/$name.args"
    if [ -f "$TESTS/$name.env" ]; then
        local -a extra; mapfile -t extra <"$TESTS/$name.env"; envs+=("${extra[@]}")
    fi
    local -a cmd
    if [ "$mode" = native ]; then
        cmd=(env -i "${envs[@]}" "$BUILD_DIR/native/$name" "${args[@]}")
    else
        cmd=("${RUNNER[@]}" run)
        [ "$engine" = resident ] && cmd+=(--node "$TMPROOT/node")
        if [ "${ARCA_C_VOLUME:-0}" = 1 ]; then
            cmd+=(--volume "$dir.vol::/" --key-file "$TMPROOT/volume.key")
        else
            cmd+=(--dir "$dir::/")
        fi
        [ "$engine" != default ] && [ "$engine" != resident ] && cmd+=(--engine "$engine")
        # the programs are visible to themselves at /bin, so argv[0] names a guest path and a
        # program can spawn itself, as natively
        cmd+=(--ro-dir "$BUILD_DIR/wasm::/bin")
        if [ -f "$TESTS/$name.arca-flags" ] && [ "$WASM_RUNNER" = arca ]; then
            local -a flags; mapfile -t flags <"$TESTS/$name.arca-flags"; cmd+=("${flags[@]}")
        fi
        local e; for e in "${envs[@]}"; do cmd+=(--env "$e"); done
        cmd+=("$BUILD_DIR/wasm/$name.wasm" "${args[@]}")
    fi
    local stdin=/dev/null
    [ -f "$TESTS/$name.stdin" ] && stdin="$TESTS/$name.stdin"
    (cd "$dir" && cat "$stdin" | timeout "$TEST_TIMEOUT" "${cmd[@]}") >"$out.stdout" 2>"$out.stderr"
    echo $? >"$out.rc"
}

compare_test() {
    local name=$1
    build "$name" "$TESTS/$name.$EXT" || return
    run_case native "$name"
    local engine
    for engine in "${ENGINES[@]}"; do
        local mode=wasm label=$name
        [ "$engine" != default ] && mode=wasm-$engine label=$name@$engine
        if [ "$engine" = chicory ] && [[ "$name" == pthread_* ]]; then
            echo "SKIP $label (threads run on Arca's compiler only: --engine chicory loads no module with a shared imported memory)"
            continue
        fi
        run_case "$mode" "$name" "$engine"
        local o="$BUILD_DIR/out/$name"
        local nrc wrc; nrc=$(cat "$o.native.rc"); wrc=$(cat "$o.$mode.rc")
        local want_err=
        [ -f "$TESTS/$name.stderr" ] && want_err=$(cat "$TESTS/$name.stderr")
        if cmp -s "$o.native.stdout" "$o.$mode.stdout" && [ "$nrc" = "$wrc" ] &&
           { [ -z "$want_err" ] || head -1 "$o.$mode.stderr" | grep -Eq "$want_err"; }; then
            pass "$label"
        else
            fail "$label" "exit native=$nrc wasm=$wrc"
            diff -u --label "native/$name" --label "$mode/$name" "$o.native.stdout" "$o.$mode.stdout" | sed 's/^/    /'
            [ -n "$want_err" ] && echo "    --- want the first stderr line to match: $want_err"
            if [ -s "$o.$mode.stderr" ]; then echo "    --- $mode stderr:"; head -20 "$o.$mode.stderr" | sed 's/^/    /'; fi
            [ "${KEEP_TMP:-0}" = 1 ] && echo "    tmp: $TMPROOT/$name.{native,$mode}"
        fi
    done
}

# host_unchanged NAME BEFORE AFTER: the host outside a mount, listed before and after a run, is the same.
host_unchanged() {
    if [ "$2" != "$3" ]; then
        fail "$1-host-check" "the host outside the mount changed:"
        diff <(echo "$2") <(echo "$3") | sed 's/^/    /'
    else
        pass "$1-host-check"
    fi
}

# expect_wasm NAME WANT_RC CMD...: run a wasm-only program, check its exit code.
expect_wasm() {
    local name=$1 want=$2; shift 2
    local o="$BUILD_DIR/out/$name.wasm"
    timeout "$TEST_TIMEOUT" "$@" </dev/null >"$o.stdout" 2>"$o.stderr"
    local rc=$?
    if [ "$rc" = "$want" ]; then
        pass "$name"
    else
        fail "$name" "exit $rc, want $want"
        sed 's/^/    /' "$o.stdout"
        if [ -s "$o.stderr" ]; then echo "    --- stderr:"; head -20 "$o.stderr" | sed 's/^/    /'; fi
    fi
    return 0
}

# expect_stderr NAME REGEX: the last expect_wasm's stderr is exactly one line matching REGEX.
expect_stderr() {
    local name=$1 want=$2 err="$BUILD_DIR/out/$1.wasm.stderr"
    if [ "$(wc -l <"$err")" -eq 1 ] && grep -Eq "$want" "$err"; then
        pass "$name-stderr"
    else
        fail "$name-stderr" "want one line matching /$want/, got:"
        head -20 "$err" | sed 's/^/    /'
    fi
}

wasm_only() {
    local name=$1
    NATIVE=0 build "$name" "$TESTS/wasm-only/$name.$EXT" || return 1
    local wasm="$BUILD_DIR/wasm/$name.wasm"
    case "$name" in
    bad_pointers)
        local d="$TMPROOT/bad_pointers"; mkdir -p "$d"
        expect_wasm "$name" 0 "${RUNNER[@]}" run --dir "$d::/" --env ARCA_TEST=1 "$wasm" arg1
        ;;
    sock_hostile)
        # --listen 0: only ports the system picks; --connect to high ports only, so that port 80
        # and 127.0.0.1:9 are refused; each refusal must leave a security-log line on stderr
        local d="$TMPROOT/sock_hostile"; mkdir -p "$d"
        expect_wasm "$name" 0 "${RUNNER[@]}" run --dir "$d::/" --listen 0 --connect 127.0.0.1:1024-65535 "$wasm"
        local refusals; refusals=$(grep -c "refused" "$BUILD_DIR/out/$name.wasm.stderr")
        if [ "$refusals" -ge 3 ]; then pass "$name-security-log"; else fail "$name-security-log" "$refusals refusal lines, want 3 or more"; fi
        ;;
    no_fork)
        local d="$TMPROOT/no_fork"; mkdir -p "$d"
        printf '{"limits": {"openFiles": 77, "processes": 9, "memory": "64MiB", "cpuTime": "90s"}}\n' > "$d/limits.json"
        expect_wasm "$name" 0 "${RUNNER[@]}" run --manifest "$d/limits.json" --dir "$d::/" "$wasm"
        ;;
    path_escape)
        # Host layout:  $p/a/b/secret.txt        (must never be read or changed)
        #               $p/a/b/box/              mounted as guest /sandbox
        #               $p/a/b/box/sub/, $p/a/b/box/inside.txt
        #               $p/a/b/box/host_abs -> /etc, $p/a/b/box/host_up -> ..  (host-made symlinks)
        # ("../../.." from box/sub still lands inside $p, so the check sees it.)
        local p="$TMPROOT/path_escape" t="$TMPROOT/path_escape/a/b"
        mkdir -p "$t/box/sub"
        echo "ARCA-SECRET-OUTSIDE" >"$t/secret.txt"
        echo "inside" >"$t/box/inside.txt"
        ln -s /etc "$t/box/host_abs"
        ln -s .. "$t/box/host_up"
        outside() { (cd "$p" && find . -path ./a/b/box -prune -o -print | sort; cksum a/b/secret.txt 2>/dev/null || echo "secret.txt gone"); }
        local before; before=$(outside)
        expect_wasm "$name" 0 "${RUNNER[@]}" run --dir "$t/box::/sandbox" "$wasm"
        # Nothing outside the sandbox may have been created, removed or changed.
        host_unchanged "$name" "$before" "$(outside)"
        ;;
    syscall_fuzz)
        # random arguments to every system call (SYSCALL_FUZZ_SEEDS seeds of SYSCALL_FUZZ_CALLS
        # calls; default 5 of 20,000, a fixed slice): each run must end normally, with no
        # internal error on stderr, and nothing outside the mount created, removed or changed (a
        # bait directory beside it, reached by host-made links "up" -> .. and "dsym" -> ../bait;
        # loopback sockets allowed: ports the system picks, connects to high ports);
        # the last seed also on an encrypted volume, which must mount again afterwards
        local p="$TMPROOT/$name" v="$TMPROOT/$name-volume" seeds=${SYSCALL_FUZZ_SEEDS:-5} calls=${SYSCALL_FUZZ_CALLS:-20000} seed
        mkdir -p "$p/mnt" "$p/bait/dir" "$v"
        echo "ARCA-BAIT-SECRET" >"$p/bait/secret.txt"
        ln -s .. "$p/mnt/up"
        ln -s ../bait "$p/mnt/dsym"
        outside() { (cd "$p" && find . -path ./mnt -prune -o -print | sort; find bait -type f -exec cksum {} + | sort); }
        local before; before=$(outside)
        head -c 32 /dev/urandom >"$v/key"
        for seed in $(seq 1 "$seeds"); do
            expect_wasm "$name-$seed" 0 "${RUNNER[@]}" run --dir "$p/mnt::/" --listen 0 --connect 127.0.0.1:1024-65535 "$wasm" "$seed" "$calls"
            if grep -qiE 'internal|exception|^\s+at ' "$BUILD_DIR/out/$name-$seed.wasm.stderr"; then
                fail "$name-$seed-stderr" "an internal error:"; head -5 "$BUILD_DIR/out/$name-$seed.wasm.stderr" | sed 's/^/    /'
            fi
        done
        ARCA_STATE_DIR="$v/state" expect_wasm "$name-volume" 0 "${RUNNER[@]}" run --volume "$v/v.vol::/" --key-file "$v/key" "$wasm" "$seeds" "$calls"
        ARCA_STATE_DIR="$v/state" expect_wasm "$name-volume-again" 0 "${RUNNER[@]}" run --volume "$v/v.vol::/" --key-file "$v/key" "$wasm" 0 200
        host_unchanged "$name" "$before" "$(outside)"
        ;;
    processes)
        # orphans, a fork bomb against the manifest's process limit, malformed spawns
        local d="$TMPROOT/processes"; mkdir -p "$d"
        printf '{ "limits": { "processes": 8 } }' >"$TMPROOT/processes.json"
        expect_wasm "$name" 0 "${RUNNER[@]}" run --manifest "$TMPROOT/processes.json" --dir "$d::/" \
            --ro-dir "$BUILD_DIR/wasm::/bin" "$wasm"
        ;;
    cpu_loop)
        # a guest that spins without a syscall is stopped at the manifest's CPU limit, with one line
        local d="$TMPROOT/$name"; mkdir -p "$d"
        printf '{ "limits": { "cpuTime": "500ms" } }' >"$TMPROOT/cpu.json"
        expect_wasm "$name" 137 "${RUNNER[@]}" run --manifest "$TMPROOT/cpu.json" --dir "$d::/" "$wasm"
        expect_stderr "$name" '^arca: killed: CPU time limit of 500 ms exceeded$'
        ;;
    cpu_budget)
        # the CPU limit is the instance's: five spinning children, or ten short ones in a row,
        # spend it together; then every process stops, with one line for all
        local d="$TMPROOT/$name"; mkdir -p "$d"
        printf '{ "limits": { "cpuTime": "1s" } }' >"$TMPROOT/budget.json"
        local mode
        for mode in parallel serial; do
            expect_wasm "$name-$mode" 137 "${RUNNER[@]}" run --manifest "$TMPROOT/budget.json" --dir "$d::/" \
                --ro-dir "$BUILD_DIR/wasm::/bin" "$wasm" "$mode"
            expect_stderr "$name-$mode" '^arca: killed: CPU time limit of 1000 ms exceeded$'
            if grep -q "all children done" "$BUILD_DIR/out/$name-$mode.wasm.stdout"; then
                fail "$name-$mode-parent" "the parent ran on after the budget was spent"
            else
                pass "$name-$mode-parent"
            fi
        done
        # a process that waits for standard input is stopped with the others, not when input comes
        local o="$BUILD_DIR/out/$name-stdin.wasm" start=$SECONDS rc sleeper
        mkfifo "$TMPROOT/stdin.fifo"
        sleep 30 >"$TMPROOT/stdin.fifo" 2>/dev/null &
        sleeper=$!
        timeout "$TEST_TIMEOUT" "${RUNNER[@]}" run --manifest "$TMPROOT/budget.json" --dir "$d::/" \
            --ro-dir "$BUILD_DIR/wasm::/bin" "$wasm" stdin <"$TMPROOT/stdin.fifo" >"$o.stdout" 2>"$o.stderr"
        rc=$?
        kill "$sleeper" 2>/dev/null
        if [ "$rc" = 137 ] && [ $((SECONDS - start)) -lt 20 ]; then
            pass "$name-stdin"
        else
            fail "$name-stdin" "exit $rc after $((SECONDS - start)) s, want 137 well before standard input ends (30 s)"
        fi
        expect_stderr "$name-stdin" '^arca: killed: CPU time limit of 1000 ms exceeded$'
        ;;
    mem_grow)
        # a guest that grows its memory past the manifest's limit is stopped there, with one line
        local d="$TMPROOT/$name"; mkdir -p "$d"
        printf '{ "limits": { "memory": "16MiB" } }' >"$TMPROOT/mem.json"
        expect_wasm "$name" 137 "${RUNNER[@]}" run --manifest "$TMPROOT/mem.json" --dir "$d::/" "$wasm"
        expect_stderr "$name" '^arca: killed: memory limit of 16 MiB exceeded'
        ;;
    fs_space)
        # tests/cxx: statvfs and std::filesystem::space report ENOSYS (no capacity to report)
        local d="$TMPROOT/$name"; mkdir -p "$d"
        expect_wasm "$name" 0 "${RUNNER[@]}" run --dir "$d::/" "$wasm"
        ;;
    pthread_hostile)
        # raw thread calls: foreign thread ids refused; a thread whose start argument points
        # outside memory traps, which ends the process with one line
        local d="$TMPROOT/$name"; mkdir -p "$d"
        expect_wasm "$name" 134 "${RUNNER[@]}" run --dir "$d::/" "$wasm"
        if grep -q "all refused: yes" "$BUILD_DIR/out/$name.wasm.stdout"; then
            pass "$name-refused"
        else
            fail "$name-refused" "want 'all refused: yes':"; sed 's/^/    /' "$BUILD_DIR/out/$name.wasm.stdout"
        fi
        expect_stderr "$name" 'trap'
        ;;
    *)
        fail "$name" "no expectation defined in run.sh: every wasm-only program needs one"
        ;;
    esac
}

if ! command -v "${RUNNER[0]}" >/dev/null 2>&1 && [ ! -x "${RUNNER[0]}" ]; then
    echo "wasm runner not found: ${RUNNER[0]} (set WASM_RUNNER=node to use node:wasi)" >&2
    echo "0 passed, 1 failed"
    exit 1
fi

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in "$TESTS"/*."$EXT" "$TESTS"/wasm-only/*."$EXT"; do
        [ -f "$f" ] && names+=("$(basename "$f" ."$EXT")")
    done
fi
for name in "${names[@]}"; do
    if [ -f "$TESTS/$name.$EXT" ]; then
        compare_test "$name"
    elif [ -f "$TESTS/wasm-only/$name.$EXT" ]; then
        if [ "${ARCA_C_VOLUME:-0}" = 1 ]; then echo "SKIP $name (wasm-only, host directories)"; continue; fi
        wasm_only "$name"
    else
        fail "$name" "no such test"
    fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
