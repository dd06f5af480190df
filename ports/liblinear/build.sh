#!/usr/bin/env bash
# Builds LIBLINEAR 2.3.0 (Debian bookworm's source package liblinear 2.3.0+dfsg, unmodified) as
# upstream's Makefile does (train and predict, C++ compiled with -O3), natively with g++ and for
# Arca with 'arca c++', into target/ports/bin/ (liblinear-train, liblinear-predict, .wasm). The
# level-1 BLAS routines it needs come from blas1.c here, and rand from rand.c (see there why), in
# both builds.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
HERE="$ROOT/ports/liblinear"
"$ROOT/ports/fetch.sh" liblinear
SRC=$(ls -d "$ROOT"/target/ports/liblinear/liblinear-*/ | head -1)
BIN="$ROOT/target/ports/bin"
OBJ="$ROOT/target/ports/liblinear/obj"
mkdir -p "$BIN" "$OBJ/native" "$OBJ/wasm"
. "$ROOT/ports/cache.sh"
OUTS=("$BIN/liblinear-train" "$BIN/liblinear-predict" "$BIN/liblinear-train.wasm" "$BIN/liblinear-predict.wasm")
port_cached liblinear "${OUTS[@]}" && exit 0
FLAGS=(-Wall -Wconversion -O3)   # upstream's CFLAGS, less -fPIC (no shared library here)
# build KIND CXX...: the two programs, as the Makefile links them
build() {
  local kind=$1 ext=; shift
  [ "$kind" = wasm ] && ext=.wasm
  local o="$OBJ/$kind"
  "$@" "${FLAGS[@]}" -c -o "$o/tron.o" "$SRC/tron.cpp"
  "$@" "${FLAGS[@]}" -c -o "$o/linear.o" "$SRC/linear.cpp"
  "$@" -O3 -x c -c -o "$o/blas1.o" "$HERE/blas1.c"
  "$@" -O3 -x c -c -o "$o/rand.o" "$HERE/rand.c"
  for prog in train predict; do
    "$@" "${FLAGS[@]}" -o "$BIN/liblinear-$prog$ext" -x c++ "$SRC/$prog.c" -x none "$o/tron.o" "$o/linear.o" "$o/blas1.o" "$o/rand.o"
  done
}
# upstream's -Wconversion warns a lot: the compilers' messages go to a log, shown when a build fails
LOG="$OBJ/build.log"
: >"$LOG"
trap '[ $? -eq 0 ] || tail -30 "$LOG" >&2' EXIT
build native g++ 2>>"$LOG"
build wasm "$ROOT/arca" c++ 2>>"$LOG"
port_store liblinear "${OUTS[@]}"
