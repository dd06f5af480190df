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
FLAGS=(-Wall -Wconversion -O3)   # upstream's CFLAGS, less -fPIC (no shared library here)
stale() { [ ! -f "$1" ] || [ -n "$(find "$HERE" "$ROOT/target/sdk/libarca.a" -newer "$1" -type f -print -quit 2>/dev/null)" ]; }
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
if stale "$BIN/liblinear-train" || stale "$BIN/liblinear-predict"; then build native g++ 2>>"$LOG"; fi
if stale "$BIN/liblinear-train.wasm" || stale "$BIN/liblinear-predict.wasm"; then build wasm "$ROOT/arca" c++ 2>>"$LOG"; fi
