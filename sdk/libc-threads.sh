#!/usr/bin/env bash
# The thread-capable C library of 'arca cc -pthread': Debian's wasi-libc source package (the same
# snapshot as the libc.a every other program links), rebuilt with atomics and bulk memory, real
# thread-locals (errno, ...) and the locks the C library takes where threads share state (malloc,
# stdio, atexit, random, the time zone, the locale): sdk/libc-threads.patch, over wasm's futex.
# Debian's 2022-05 snapshot predates wasi-libc's own pthreads, and its THREAD_MODEL=posix does not
# build (musl's pthread internals were not ported to WASI yet), so the patch adds what threads need
# under its own macro, __arca_threads; docs/threads.md says what it covers.
#
# Built once, on first use, into a cache outside the repository, keyed by the source package's
# version and a hash of this script and the patch:
#   ${ARCA_SDK_CACHE:-${XDG_CACHE_HOME:-~/.cache}/arca/sdk}/libc-threads-VERSION-HASH/lib/wasm32-wasi
# Prints that directory's parent (a sysroot's lib/) on stdout; the rest goes to stderr.
# The headers are Debian's (/usr/include/wasm32-wasi): the patch changes no public header.
# Usage: sdk/libc-threads.sh
set -euo pipefail
HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
CACHE=${ARCA_SDK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/arca/sdk}
SRC_PACKAGE=wasi-libc
JOBS=${ARCA_SDK_JOBS:-2}
# -O2 and no stack protector as Debian builds it (debian/rules); atomics and bulk memory, which
# wasm-ld --shared-memory requires of every object; the thread model stays clang's default
# (posix), so _Thread_local is real TLS; no -pthread, which would turn on musl's unported code.
LIBC_CFLAGS="-O2 -fno-stack-protector -Wno-deprecated -matomics -mbulk-memory -D__arca_threads"

say() { echo "arca cc: $*" >&2; }
die() { echo "arca cc: $*" >&2; exit 1; }

SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
need=()
command -v make >/dev/null || need+=(make)
command -v patch >/dev/null || need+=(patch)
command -v dpkg-source >/dev/null || need+=(dpkg-dev)
command -v llvm-ar-22 >/dev/null || need+=(llvm-22)
if [ ${#need[@]} -gt 0 ]; then
  say "installing what building the threaded C library needs: ${need[*]}"
  $SUDO apt-get update -q >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >&2
fi
mkdir -p "$CACHE/src"
cd "$CACHE/src"

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
key="$upstream-$(cat "$HERE/libc-threads.sh" "$HERE/libc-threads.patch" | sha256sum | cut -c1-12)"
PREFIX="$CACHE/libc-threads-$key"
if [ -f "$PREFIX/.complete" ]; then echo "$PREFIX/lib"; exit 0; fi

exec 9>"$CACHE/libc-threads.lock"
flock 9
if [ -f "$PREFIX/.complete" ]; then echo "$PREFIX/lib"; exit 0; fi
start=$SECONDS
say "building the threaded C library ($SRC_PACKAGE $ver with atomics, TLS and locks) into $PREFIX; this happens once"

dsc="${SRC_PACKAGE}_${ver#*:}.dsc"
if [ ! -f "$dsc" ]; then
  apt-get source --download-only "$SRC_PACKAGE=$ver" >&2 || die "apt-get source $SRC_PACKAGE failed"
fi
BUILD="$CACHE/libc-threads-build-$key"
rm -rf "$CACHE"/libc-threads-build-* "$PREFIX"   # a failed build is left for reading until the next one
# dpkg-source applies Debian's own patches (debian/patches), as Debian's libc.a was built
dpkg-source --no-check -x "$dsc" "$BUILD" >&2
LOG="$CACHE/libc-threads-$key.log"
say "log: $LOG"
exec 3>&2 2>"$LOG"
trap 'rc=$?; if [ $rc -ne 0 ]; then exec 2>&3; tail -25 "$LOG" >&2; say "the threaded C library build failed (full log: $LOG)"; fi' EXIT
patch -d "$BUILD" -p1 -s -N <"$HERE/libc-threads.patch" >&2
# THREAD_MODEL=arca: neither of the Makefile's models (single strips atomics and TLS; posix adds
# -pthread); 'startup_files libc' rather than 'finish', whose symbol check lists the single model's
make -C "$BUILD" -j "$JOBS" CC=clang-22 AR=llvm-ar-22 NM=llvm-nm-22 THREAD_MODEL=arca \
  EXTRA_CFLAGS="$LIBC_CFLAGS" SYSROOT="$BUILD/sysroot" startup_files libc >&2
mkdir -p "$PREFIX/lib"
mv "$BUILD/sysroot/lib/wasm32-wasi" "$PREFIX/lib/wasm32-wasi"
# the placeholder libraries Debian's package has too (configure scripts link -lm, -lrt, ...);
# libpthread is Arca's (arca cc links its own for -lpthread)
for name in m rt crypt util xnet resolv dl; do llvm-ar-22 crs "$PREFIX/lib/wasm32-wasi/lib$name.a"; done
rm -rf "$BUILD"
echo "$SRC_PACKAGE $ver, built in $((SECONDS - start)) s with -j$JOBS" >"$PREFIX/.complete"
exec 2>&3
say "threaded C library built in $((SECONDS - start)) s"
echo "$PREFIX/lib"
