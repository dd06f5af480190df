#!/usr/bin/env bash
# Builds QuantLib 1.29 (Debian bookworm's source package quantlib 1.29-1, unmodified) with the
# Boost headers it needs (Debian's libboost-dev; QuantLib uses only Boost's header-only parts), with
# upstream's CMake build at -O2 (Debian's and upstream's optimization level; no NDEBUG, as in
# Debian's build): the static library and all 19 of its shipped examples, natively with g++ and for
# Arca with 'arca c++'. Into the cache that ports/quantlib/cache.sh names (outside the repository):
#   DIR/{native,wasm}/lib/libQuantLib.a    the library
#   DIR/{native,wasm}/include/ql/...       its headers (wasm: include/boost -> /usr/include/boost)
#   DIR/{native,wasm}/bin/EXAMPLE[.wasm]   the examples, as the build linked them
#   DIR/{native,wasm}/obj/EXAMPLE.o        their objects, to link again against the current SDK
#   DIR/{native,wasm}/cxxflags, libs       how to compile and link a program against the library
#   DIR/.complete                          the build's wall and CPU times (all ninja runs of its tree)
# Prints DIR. Built once per key, under a lock; a build that is there costs a hash of the inputs.
#   ports/quantlib/build.sh    (ARCA_PORTS_JOBS: parallel compiles, default 2)
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/cache.sh"
ROOT=$QL_ROOT
JOBS=${ARCA_PORTS_JOBS:-2}
die() { echo "quantlib: $*" >&2; exit 1; }
if [ -f "$QL_DIR/.complete" ]; then echo "$QL_DIR"; exit 0; fi

SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
need=()
command -v cmake >/dev/null || need+=(cmake)
command -v ninja >/dev/null || need+=(ninja-build)
command -v g++ >/dev/null || need+=(g++)
[ -f /usr/include/boost/version.hpp ] || need+=(libboost-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "quantlib: installing what the build needs: ${need[*]}" >&2
  $SUDO apt-get update -q >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >&2
  exec "$0" "$@"   # the key names the compilers' versions: compute it again
fi

mkdir -p "$QL_CACHE"
exec 9>"$QL_CACHE/quantlib.lock"
flock 9
if [ -f "$QL_DIR/.complete" ]; then echo "$QL_DIR"; exit 0; fi

"$ROOT/ports/fetch.sh" quantlib
FETCHED="$ROOT/target/ports/quantlib"
grep -qx "Version: $QL_DEB" "$FETCHED"/quantlib_*.dsc ||
  die "Debian serves another quantlib than $QL_DEB ($(sed -n 's/^Version: //p' "$FETCHED"/quantlib_*.dsc)): set QL_DEB in ports/quantlib/cache.sh"

# The build trees outlive a change of build.sh (QL_TREE is keyed by the compilers and headers
# only); trees for other compilers or headers are removed.
for t in "$QL_CACHE"/quantlib-build-*; do [ "$t" = "$QL_TREE" ] || rm -rf "$t"; done
SRC="$QL_TREE/src"
if [ ! -f "$SRC/.complete" ]; then
  rm -rf "$SRC" && mkdir -p "$SRC"
  cp -a "$(ls -d "$FETCHED"/quantlib-*/ | head -1)/." "$SRC/"
  touch "$SRC/.complete"
fi
LOG="$QL_DIR.log"
echo "quantlib: building QuantLib $QL_DEB natively and for Arca into $QL_DIR (-j$JOBS; about 65 CPU-minutes, an hour or more on 2 cores); log: $LOG" >&2
exec 3>&2 4>&1 2>"$LOG" >&2
trap 'rc=$?; if [ $rc -ne 0 ]; then exec 2>&3; tail -30 "$LOG" >&2; echo "quantlib: the build failed (full log: $LOG)" >&2; fi' EXIT
rm -rf "$QL_DIR"

# The wasm build must see Boost and nothing else from /usr/include (glibc's headers there would
# shadow wasi-libc's): an include dir that holds only a link to Boost.
mkdir -p "$QL_TREE/boost"
ln -sfn /usr/include/boost "$QL_TREE/boost/boost"
# CMake wants one program as the compiler
printf '#!/bin/sh\nARCA_CC_MODE=c++ exec %q "$@"\n' "$ROOT/sdk/arca-cc" >"$QL_TREE/arca-c++"
chmod +x "$QL_TREE/arca-c++"
# Boost 1.74's configuration for libc++ takes threads for granted; the SDK's libc++ is built
# without them (no std::mutex). BOOST_DISABLE_THREADS is Boost's switch for that case (its
# lazily built quadrature tables then take no lock); BOOST_NO_CXX11_HDR_MUTEX says <mutex> has no
# std::mutex, so the lock class that Boost.Math's headers still include compiles (against the
# SDK's <pthread.h>) and stays unused.
WASM_DEFINES="-DBOOST_DISABLE_THREADS -DBOOST_NO_CXX11_HDR_MUTEX"

COMMON=(-G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE=-O2 -DBUILD_SHARED_LIBS=OFF
        -DQL_BUILD_TEST_SUITE=OFF -DQL_BUILD_BENCHMARK=OFF -DQL_INSTALL_EXAMPLESDIR=bin)
cmake -S "$SRC" -B "$QL_TREE/native" "${COMMON[@]}" -DCMAKE_CXX_COMPILER=g++
# wasm: Generic (CMake 3.25 knows no WASI); no PIC (in wasm it means the dynamic-linking model)
cmake -S "$SRC" -B "$QL_TREE/wasm" "${COMMON[@]}" -DCMAKE_SYSTEM_NAME=Generic -DCMAKE_SYSTEM_PROCESSOR=wasm32 \
  -DCMAKE_CXX_COMPILER="$QL_TREE/arca-c++" -DCMAKE_AR="$(command -v llvm-ar-22)" \
  -DCMAKE_RANLIB="$(command -v llvm-ranlib-22)" -DCMAKE_EXECUTABLE_SUFFIX_CXX=.wasm \
  -DCMAKE_POSITION_INDEPENDENT_CODE=OFF -DCMAKE_CXX_FLAGS="$WASM_DEFINES" \
  -DBoost_NO_BOOST_CMAKE=ON -DBoost_NO_SYSTEM_PATHS=ON -DBoost_INCLUDE_DIR="$QL_TREE/boost"

# Each ninja run's wall and CPU seconds are added to a ledger in the tree: after a change to this
# script that ninja rebuilds little or nothing of, the totals still say what the objects cost.
TIMEFORMAT='%R %U %S'
times=()
for kind in native wasm; do
  { time ninja -C "$QL_TREE/$kind" -j "$JOBS" 2>&1; } 2>"$QL_TREE/time"
  awk '{print $1, $2 + $3}' "$QL_TREE/time" >>"$QL_TREE/times-$kind"
  times+=("$kind: $(awk '{w += $1; c += $2} END {printf "%.0f s wall, %.0f s CPU in %d ninja runs", w, c, NR}' "$QL_TREE/times-$kind") (this run: $(awk '{printf "%.0f s wall, %.0f s CPU", $1, $2 + $3}' "$QL_TREE/time"))")
  out="$QL_DIR/$kind"
  cmake --install "$QL_TREE/$kind" --prefix "$out"
  mkdir -p "$out/obj"
  for o in "$QL_TREE/$kind"/Examples/*/CMakeFiles/*.dir/*.cpp.o*; do
    cp "$o" "$out/obj/$(basename "$o" | sed 's/\.cpp\.obj$//; s/\.cpp\.o$//').o"
  done
  echo "-L$out/lib -lQuantLib" >"$out/libs"
done
echo "-std=c++14 -I$QL_DIR/native/include" >"$QL_DIR/native/cxxflags"
ln -sfn /usr/include/boost "$QL_DIR/wasm/include/boost"
echo "-std=c++14 $WASM_DEFINES -isystem $QL_DIR/wasm/include" >"$QL_DIR/wasm/cxxflags"
printf '%s\n' "QuantLib $QL_DEB, built with -j$JOBS on $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')" "${times[@]}" >"$QL_DIR/.complete"
exec 2>&3 >&4
cat "$QL_DIR/.complete" >&2
echo "$QL_DIR"
