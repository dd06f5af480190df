#!/usr/bin/env bash
# The C++ runtime of 'arca c++': libc++, libc++abi and libunwind from Debian's LLVM source package,
# built for wasm32-wasi with WebAssembly exception handling (the final proposal, exnref: what
# setjmp/longjmp already use and what Arca's compiler and Chicory run). Debian's own wasm32 libc++
# packages are built with -fno-exceptions, so a program that throws does not link against them.
#
# Built once, on first use, into a cache outside the repository, keyed by the source package's
# version and a hash of this script (which holds every flag) and of the SDK's overlay headers:
#   ${ARCA_SDK_CACHE:-${XDG_CACHE_HOME:-~/.cache}/arca/sdk}/cxx-runtime-VERSION-HASH/{include,lib}
# Prints that directory on stdout; everything else goes to stderr. Usage: sdk/cxx-runtime.sh
set -euo pipefail
HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
CACHE=${ARCA_SDK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/arca/sdk}

# llvm-toolchain-22 would match clang-22 exactly, but bookworm-security serves only its binary
# packages (the .dsc and .orig.tar.xz answer 404; checked 2026-12-03); llvm-toolchain-19 from
# bookworm main has the same runtimes with wasm exception support (libunwind's Unwind-wasm.c,
# libc++abi's __gxx_personality_wasm0) and builds with clang-22.
SRC_PACKAGE=llvm-toolchain-19
RUNTIMES=(libcxx libcxxabi libunwind runtimes cmake llvm/cmake llvm/utils/llvm-lit third-party)
JOBS=${ARCA_SDK_JOBS:-2}

# Every object of the runtime and of the programs linked with it: C++ exceptions and setjmp on the
# final exception-handling proposal (exnref); arca-cc passes the same EH flags to programs.
EH_FLAGS="-fwasm-exceptions -mllvm -wasm-use-legacy-eh=false"

say() { echo "arca c++: $*" >&2; }
die() { echo "arca c++: $*" >&2; exit 1; }

SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
need=()
command -v cmake >/dev/null || need+=(cmake)
command -v ninja >/dev/null || need+=(ninja-build)
command -v patch >/dev/null || need+=(patch)
command -v xz >/dev/null || need+=(xz-utils)
command -v llvm-ar-22 >/dev/null || need+=(llvm-22)
if [ ${#need[@]} -gt 0 ]; then
  say "installing what building the C++ runtime needs: ${need[*]}"
  $SUDO apt-get update -q >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >&2
fi
mkdir -p "$CACHE/src"
cd "$CACHE/src"

# the source package's version, from apt's index (adds a deb-src entry the first time it is needed)
version() { apt-cache showsrc "$SRC_PACKAGE" 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -1 || true; } # no deb-src yet: apt-cache fails, which pipefail and set -e would make a silent exit
ver=$(version)
if [ -z "$ver" ]; then
  say "adding Debian's deb-src entry (to fetch $SRC_PACKAGE's source)"
  [ -f /etc/apt/sources.list.d/debian.sources ] || die "no /etc/apt/sources.list.d/debian.sources to copy a deb-src entry from"
  sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources | $SUDO tee /etc/apt/sources.list.d/arca-deb-src.sources >/dev/null
  $SUDO apt-get update -q >&2
  ver=$(version)
  [ -n "$ver" ] || die "apt knows no source package $SRC_PACKAGE"
fi
upstream=${ver#*:}; upstream=${upstream%-*}
# the runtime is compiled against the SDK's overlay headers (sdk/include: declarations wasi-libc
# lacks, such as realpath and statvfs, which libc++'s <filesystem> calls): they are in the key too
key="$upstream-$( (cat "$HERE/cxx-runtime.sh"; cd "$HERE/include" && find . -type f | LC_ALL=C sort | xargs cat) | sha256sum | cut -c1-12)"
PREFIX="$CACHE/cxx-runtime-$key"
if [ -f "$PREFIX/.complete" ]; then echo "$PREFIX"; exit 0; fi

exec 9>"$CACHE/cxx-runtime.lock"
flock 9
if [ -f "$PREFIX/.complete" ]; then echo "$PREFIX"; exit 0; fi
start=$SECONDS
say "building the C++ runtime (libc++, libc++abi, libunwind from $SRC_PACKAGE $ver, wasm exceptions) into $PREFIX; this happens once"

orig="${SRC_PACKAGE}_${upstream}.orig.tar.xz"
if [ ! -f "$orig" ] || ! ls "${SRC_PACKAGE}"_*.debian.tar.xz >/dev/null 2>&1; then
  apt-get source --download-only "$SRC_PACKAGE=$ver" >&2 || die "apt-get source $SRC_PACKAGE failed"
fi
top="${SRC_PACKAGE}_${upstream}"
SRC="$CACHE/src/$top-runtimes"
if [ ! -f "$SRC/.patched" ]; then
  rm -rf "$SRC" "$CACHE/src/$top"
  # only the runtimes and the CMake modules they include: a fraction of the 160 MB tree
  tar -xJf "$orig" "${RUNTIMES[@]/#/$top/}" >&2
  mv "$CACHE/src/$top" "$SRC"
  # Debian's patches, in Debian's order, that touch only these directories (the rest are about
  # clang, lld, tests on other architectures, ...)
  rm -rf debian && tar -xJf "$(ls "${SRC_PACKAGE}"_*.debian.tar.xz | tail -1)"
  applied=0
  while read -r p _; do
    case "$p" in ''|'#'*) continue ;; esac
    files=$(sed -n 's/^+++ [^/]*\/\([^ 	]*\).*/\1/p' "debian/patches/$p")
    inside=1
    for f in $files; do [ -e "$SRC/$f" ] || inside=0; done
    if [ "$inside" = 1 ] && [ -n "$files" ]; then
      patch -d "$SRC" -p1 -s -N <"debian/patches/$p" >&2 || die "Debian patch $p does not apply"
      applied=$((applied + 1))
    fi
  done <debian/patches/series
  say "applied $applied of Debian's patches to the runtimes"
  touch "$SRC/.patched"
fi

BUILD="$CACHE/build-$key"
rm -rf "$CACHE"/build-* "$PREFIX"   # a failed build is left for reading until the next one
mkdir -p "$BUILD/sysroot/include" "$BUILD/sysroot/lib"
LOG="$CACHE/cxx-runtime-$key.log"
say "log: $LOG"
exec 3>&2 2>"$LOG"
trap 'rc=$?; if [ $rc -ne 0 ]; then exec 2>&3; tail -25 "$LOG" >&2; say "the C++ runtime build failed (full log: $LOG)"; fi' EXIT
# a sysroot of wasi-libc alone: glibc's headers in /usr/include must never be found
ln -sfn /usr/include/wasm32-wasi "$BUILD/sysroot/include/wasm32-wasi"
ln -sfn /usr/lib/wasm32-wasi "$BUILD/sysroot/lib/wasm32-wasi"
# libc++abi's exception objects must have the layout libunwind's Unwind-wasm.c uses: its headers
FLAGS="--sysroot=$BUILD/sysroot -Wno-deprecated $EH_FLAGS -fno-stack-protector -I$SRC/libunwind/include"
FLAGS+=" -isystem $HERE/include"

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
  -DLIBCXXABI_ENABLE_SHARED=OFF -DLIBCXXABI_ENABLE_EXCEPTIONS=ON -DLIBCXXABI_ENABLE_THREADS=OFF \
  -DLIBCXXABI_HAS_PTHREAD_API=OFF -DLIBCXXABI_USE_LLVM_UNWINDER=OFF -DLIBCXXABI_USE_COMPILER_RT=ON \
  -DLIBCXXABI_SILENT_TERMINATE=OFF -DLIBCXXABI_INCLUDE_TESTS=OFF \
  -DLIBCXX_ENABLE_SHARED=OFF -DLIBCXX_ENABLE_EXCEPTIONS=ON -DLIBCXX_ENABLE_THREADS=OFF \
  -DLIBCXX_HAS_PTHREAD_API=OFF -DLIBCXX_ENABLE_FILESYSTEM=ON -DLIBCXX_ENABLE_TIME_ZONE_DATABASE=OFF \
  -DLIBCXX_ENABLE_EXPERIMENTAL_LIBRARY=OFF -DLIBCXX_HAS_MUSL_LIBC=ON -DLIBCXX_USE_COMPILER_RT=ON \
  -DLIBCXX_CXX_ABI=libcxxabi -DLIBCXX_ENABLE_STATIC_ABI_LIBRARY=ON \
  -DLIBCXX_STATICALLY_LINK_ABI_IN_STATIC_LIBRARY=OFF \
  -DLIBCXX_INCLUDE_TESTS=OFF -DLIBCXX_INCLUDE_BENCHMARKS=OFF -DLIBCXX_INCLUDE_DOCS=OFF
ninja -C "$BUILD/b" -j "$JOBS" install >&2
# For wasm, libunwind is one file: Unwind-wasm.c (_Unwind_RaiseException throws the C++ tag; the
# landing-pad context the compiler's catch code fills for __gxx_personality_wasm0). LLVM 19's
# libunwind CMake build also assembles the register save/restore files, which have no wasm
# target, so that one file is compiled here and put into libc++abi.a, which is what
# LIBCXXABI_STATICALLY_LINK_UNWINDER_IN_STATIC_LIBRARY does (clang links -lc++ -lc++abi).
clang-22 --target=wasm32-wasi $FLAGS -O2 -DNDEBUG -D_LIBUNWIND_HIDE_SYMBOLS -D_LIBUNWIND_HAS_NO_THREADS \
  -c "$SRC/libunwind/src/Unwind-wasm.c" -o "$BUILD/Unwind-wasm.o"
llvm-ar-22 qs "$PREFIX/lib/libc++abi.a" "$BUILD/Unwind-wasm.o"
rm -rf "$BUILD"
echo "$SRC_PACKAGE $ver, built in $((SECONDS - start)) s with -j$JOBS" >"$PREFIX/.complete"
exec 2>&3
say "C++ runtime built in $((SECONDS - start)) s"
echo "$PREFIX"
