#!/usr/bin/env bash
# The threaded C++ runtime of 'arca c++ -pthread': libc++ and libc++abi from the same Debian LLVM
# source as sdk/cxx-runtime.sh, with threads on the pthread API (std::thread, <mutex>,
# <condition_variable>, <future>, ...; thread-safe function-local statics; exception globals and
# thread_local destructors per thread), compiled with -pthread (atomics, bulk memory, real TLS)
# against the threaded C library (sdk/libc-threads.sh) and Arca's <pthread.h> (sdk/include),
# with the same exception flags. One patch (sdk/cxx-runtime-threads.patch) gives std::atomic::wait,
# and so std::latch and the semaphores, wasm's futex instead of libc++'s fallback for unknown
# systems, a sleep that backs off up to 8 ms at a time: a thread blocked 150 ms in atomic::wait
# woke 15-20 ms after the notify on average without it, 0.1-0.2 ms with it (std::barrier is
# libc++'s tree barrier, which polls with that backoff on every system).
#
# A script of its own, not a mode of cxx-runtime.sh: that runtime's cache key is a hash of its own
# text, and programs (and caches built from them) rely on it staying put. This one reuses what
# that script prepares: it runs it first (which costs one file check once it has run) and builds
# from the source tree it unpacked and patched. Built once, on first use, into
#   ${ARCA_SDK_CACHE:-${XDG_CACHE_HOME:-~/.cache}/arca/sdk}/cxx-runtime-threads-VERSION-HASH/{include,lib}
# keyed by this script and its patch, the unthreaded runtime's key (which covers cxx-runtime.sh and the overlay
# headers) and the threaded C library's key. Prints that directory on stdout; the rest goes to
# stderr. Usage: sdk/cxx-runtime-threads.sh
set -euo pipefail
HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
JOBS=${ARCA_SDK_JOBS:-2}
# as in cxx-runtime.sh, plus -pthread: clang's -matomics -mbulk-memory (what wasm-ld
# --shared-memory wants of every object), _REENTRANT and thread-locals that are thread-local
EH_FLAGS="-fwasm-exceptions -mllvm -wasm-use-legacy-eh=false"

say() { echo "arca c++: $*" >&2; }
die() { echo "arca c++: $*" >&2; exit 1; }

PLAIN=$("$HERE/cxx-runtime.sh") || die "the C++ runtime (sdk/cxx-runtime.sh) could not be built"
LIBC=$("$HERE/libc-threads.sh") || die "the threaded C library (sdk/libc-threads.sh) could not be built"
CACHE=$(dirname "$PLAIN")
# cxx-runtime.sh's directory is cxx-runtime-UPSTREAM-HASH and its .complete starts with the source
# package's name; its patched tree is $CACHE/src/PACKAGE_UPSTREAM-runtimes
plain_key=${PLAIN##*/cxx-runtime-}
upstream=${plain_key%-*}
read -r SRC_PACKAGE _ <"$PLAIN/.complete"
SRC="$CACHE/src/${SRC_PACKAGE}_${upstream}-runtimes"
[ -f "$SRC/.patched" ] || die "no patched source at $SRC (sdk/cxx-runtime.sh prepares it)"
libc_key=$(basename "$(dirname "$LIBC")")
key="$upstream-$( (cat "$HERE/cxx-runtime-threads.sh" "$HERE/cxx-runtime-threads.patch"; echo "$plain_key $libc_key") | sha256sum | cut -c1-12)"
PREFIX="$CACHE/cxx-runtime-threads-$key"
if [ -f "$PREFIX/.complete" ]; then echo "$PREFIX"; exit 0; fi

exec 9>"$CACHE/cxx-runtime-threads.lock"
flock 9
if [ -f "$PREFIX/.complete" ]; then echo "$PREFIX"; exit 0; fi
start=$SECONDS
say "building the threaded C++ runtime (libc++, libc++abi from $SRC_PACKAGE $upstream with threads) into $PREFIX; this happens once"

BUILD="$CACHE/threads-build-$key"
rm -rf "$CACHE"/threads-build-* "$PREFIX"   # a failed build is left for reading until the next one
mkdir -p "$BUILD/sysroot/include" "$BUILD/sysroot/lib"
LOG="$CACHE/cxx-runtime-threads-$key.log"
say "log: $LOG"
exec 3>&2 2>"$LOG"
trap 'rc=$?; if [ $rc -ne 0 ]; then exec 2>&3; tail -25 "$LOG" >&2; say "the threaded C++ runtime build failed (full log: $LOG)"; fi' EXIT
# the shared source tree stays as cxx-runtime.sh left it: the build gets a copy of hard links, in
# which the files the patch changes are real copies
cp -al "$SRC" "$BUILD/src"
for f in $(sed -n 's/^+++ b\/\([^ 	]*\).*/\1/p' "$HERE/cxx-runtime-threads.patch"); do
  cp --remove-destination "$SRC/$f" "$BUILD/src/$f"
done
patch -d "$BUILD/src" -p1 -s -N <"$HERE/cxx-runtime-threads.patch" >&2
SRC="$BUILD/src"
# wasi-libc's headers (the threaded library changes none) and the threaded library
ln -sfn /usr/include/wasm32-wasi "$BUILD/sysroot/include/wasm32-wasi"
ln -sfn "$LIBC/wasm32-wasi" "$BUILD/sysroot/lib/wasm32-wasi"
FLAGS="--sysroot=$BUILD/sysroot -Wno-deprecated -pthread $EH_FLAGS -fno-stack-protector -I$SRC/libunwind/include"
FLAGS+=" -isystem $HERE/include"

# the flags of cxx-runtime.sh but for threads: LIB*_ENABLE_THREADS and LIB*_HAS_PTHREAD_API on
cmake -G Ninja -S "$SRC/runtimes" -B "$BUILD/b" >&2 \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_INSTALL_PREFIX="$PREFIX" \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
  -DCMAKE_AR="$(command -v llvm-ar-22)" -DCMAKE_RANLIB="$(command -v llvm-ranlib-22)" \
  -DCMAKE_C_COMPILER_TARGET=wasm32-wasi -DCMAKE_CXX_COMPILER_TARGET=wasm32-wasi \
  -DCMAKE_ASM_COMPILER_TARGET=wasm32-wasi \
  -DCMAKE_C_COMPILER_WORKS=ON -DCMAKE_CXX_COMPILER_WORKS=ON -DLLVM_COMPILER_CHECKED=ON \
  -DCMAKE_C_FLAGS="$FLAGS" -DCMAKE_CXX_FLAGS="$FLAGS" \
  -DLLVM_ENABLE_RUNTIMES="libcxxabi;libcxx" \
  -DLLVM_INCLUDE_TESTS=OFF -DLLVM_INCLUDE_DOCS=OFF \
  -DLIBCXXABI_ENABLE_SHARED=OFF -DLIBCXXABI_ENABLE_EXCEPTIONS=ON -DLIBCXXABI_ENABLE_THREADS=ON \
  -DLIBCXXABI_HAS_PTHREAD_API=ON -DLIBCXXABI_USE_LLVM_UNWINDER=OFF -DLIBCXXABI_USE_COMPILER_RT=ON \
  -DLIBCXXABI_SILENT_TERMINATE=OFF -DLIBCXXABI_INCLUDE_TESTS=OFF \
  -DLIBCXX_ENABLE_SHARED=OFF -DLIBCXX_ENABLE_EXCEPTIONS=ON -DLIBCXX_ENABLE_THREADS=ON \
  -DLIBCXX_HAS_PTHREAD_API=ON -DLIBCXX_ENABLE_FILESYSTEM=ON -DLIBCXX_ENABLE_TIME_ZONE_DATABASE=OFF \
  -DLIBCXX_ENABLE_EXPERIMENTAL_LIBRARY=OFF -DLIBCXX_HAS_MUSL_LIBC=ON -DLIBCXX_USE_COMPILER_RT=ON \
  -DLIBCXX_CXX_ABI=libcxxabi -DLIBCXX_ENABLE_STATIC_ABI_LIBRARY=ON \
  -DLIBCXX_STATICALLY_LINK_ABI_IN_STATIC_LIBRARY=OFF \
  -DLIBCXX_INCLUDE_TESTS=OFF -DLIBCXX_INCLUDE_BENCHMARKS=OFF -DLIBCXX_INCLUDE_DOCS=OFF
ninja -C "$BUILD/b" -j "$JOBS" install >&2
# libunwind's wasm part, as in cxx-runtime.sh, with threads: its landing-pad context (the
# personality routine's channel to the compiler's catch code) is a thread-local
clang-22 --target=wasm32-wasi $FLAGS -O2 -DNDEBUG -D_LIBUNWIND_HIDE_SYMBOLS \
  -c "$SRC/libunwind/src/Unwind-wasm.c" -o "$BUILD/Unwind-wasm.o"
llvm-ar-22 qs "$PREFIX/lib/libc++abi.a" "$BUILD/Unwind-wasm.o"
rm -rf "$BUILD"
echo "$SRC_PACKAGE $upstream with threads, built in $((SECONDS - start)) s with -j$JOBS" >"$PREFIX/.complete"
exec 2>&3
say "threaded C++ runtime built in $((SECONDS - start)) s"
echo "$PREFIX"
