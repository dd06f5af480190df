#!/usr/bin/env bash
# Builds Redis 7.0.15 (Debian bookworm's source package with Debian's patches, sources unmodified)
# with Redis's own Makefile, twice from the same sources and options: natively with gcc
# (target/ports/bin/redis-server) and for Arca with 'arca cc' (target/ports/bin/redis-server.wasm).
# The builds are kept for every clone on this machine and redone when what they depend on
# changes (ports/cache.sh).
# See ports/redis/NOTES.md for the choices made here and what the SDK must have.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
HERE="$ROOT/ports/redis"
"$ROOT/ports/fetch.sh" redis
SRC=$(ls -d "$ROOT"/target/ports/redis/redis-7.0.*/ | head -1)
SRC=${SRC%/}
BIN="$ROOT/target/ports/bin"
mkdir -p "$BIN"

script_hash=$(sha256sum "$HERE/build.sh" | cut -c1-16)
sdk_hash=$(cd "$ROOT/sdk" && find . -type f \( -path './include/*' -o -path './libarca/*' -o -path './pthread/*' \
  -o -name 'arca-cc' -o -name 'libc-threads*' \) -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)

# Options common to both builds (make variables of Redis's Makefile, nothing patched):
#  MALLOC=libc      jemalloc (deps/jemalloc) does not build for wasm32 (its configure wants
#                   mmap-based chunks, TLS models and a pthread_atfork that WASI lacks); the
#                   native build uses libc malloc too so that both servers are the same program
#  USE_SYSTEMD=no   no libsystemd in the SDK (nor wanted natively: the servers are run by tests)
#  BUILD_TLS=no     Redis's default; OpenSSL is not in the SDK
COMMON=(MALLOC=libc USE_SYSTEMD=no BUILD_TLS=no)

# build NAME OUT STAMP MAKE_ARGS... : a copy of the sources in target/ports/redis/build-NAME, make.
build() {
  local name=$1 out=$2 stamp=$3; shift 3
  local dir="$ROOT/target/ports/redis/build-$name"
  if [ -f "$out" ] && [ "$(cat "$dir/.stamp" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  echo "redis: building for $name (log: $dir/build.log)" >&2
  rm -rf "$dir" && cp -a "$SRC" "$dir"
  make -C "$dir/src" -j2 "${COMMON[@]}" "$@" redis-server > "$dir/build.log" 2>&1 ||
    { grep -E 'error|undefined' "$dir/build.log" | sort -u | head -40 >&2; echo "redis: the $name build failed" >&2; return 1; }
  cp "$dir/src/redis-server" "$out"
  echo "$stamp" > "$dir/.stamp"
}

. "$ROOT/ports/cache.sh"
OUTS=("$BIN/redis-server" "$BIN/redis-server.wasm")
port_cached redis "${OUTS[@]}" && exit 0

build native "$BIN/redis-server" "$script_hash" CC=gcc
# For Arca: the deps redis-server links (hiredis, lua, hdr_histogram) but not linenoise, which
# only redis-cli uses and which needs termios; llvm-ar, because GNU ar writes no symbol index
# for wasm objects. Redis's config.h sees no __linux__ and so picks select() (ae_select.c), no
# backtraces, no /proc, fsync for fdatasync: the portable paths of an unknown Unix.
# REDIS_CFLAGS=-D_GNU_SOURCE: Redis's fmacros.h defines it for __linux__ only, and Debian's patch
# 0003 calls get_current_dir_name (rdb.c), a GNU function declared only under _GNU_SOURCE.
build arca "$BIN/redis-server.wasm" "$script_hash-$sdk_hash" CC="$ROOT/arca cc" AR=llvm-ar-22 \
  DEPENDENCY_TARGETS="hiredis lua hdr_histogram" REDIS_CFLAGS=-D_GNU_SOURCE
port_store redis "${OUTS[@]}"
