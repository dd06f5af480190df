#!/usr/bin/env bash
# Builds nginx 1.22.1 (Debian bookworm's source package, unmodified) with nginx's own configure,
# twice with the same modules: natively with gcc (target/ports/bin/nginx) and for Arca with
# 'arca cc' (target/ports/bin/nginx.wasm). The builds are kept for every clone on this machine and
# redone when what they depend on changes (ports/cache.sh). See ports/nginx/README.md for the
# choices made here.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
HERE="$ROOT/ports/nginx"
"$ROOT/ports/fetch.sh" nginx
SRC=$(ls -d "$ROOT"/target/ports/nginx/nginx-1.22.*/ | head -1)
SRC=${SRC%/}
BIN="$ROOT/target/ports/bin"
mkdir -p "$BIN"

script_hash=$(sha256sum "$HERE/build.sh" | cut -c1-16)
sdk_hash=$(cd "$ROOT/sdk" && find include libarca arca-cc -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)

# Modules: nginx's defaults, less the three that need libraries the SDK does not have (rewrite
# needs PCRE, gzip needs zlib) and with the poll event module, which the configuration selects
# ("use poll;") on both sides. The prefix is / so that relative paths in nginx.conf and -p name
# guest paths.
CONFIGURE=(--prefix=/ --with-poll_module --without-http_rewrite_module --without-http_gzip_module
           --with-cc-opt=-O2)

# build NAME OUT STAMP CONFIGURE_ARGS... : configure a copy of the sources in
# target/ports/nginx/build-NAME (nginx builds inside its source tree), then make.
build() {
  local name=$1 out=$2 stamp=$3; shift 3
  local dir="$ROOT/target/ports/nginx/build-$name"
  if [ -f "$out" ] && [ "$(cat "$dir/.stamp" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  echo "nginx: building for $name (log: $dir/build.log)" >&2
  rm -rf "$dir" && cp -a "$SRC" "$dir"
  (
    cd "$dir"
    ARCA_CC_RUNNABLE=${RUNNABLE:-0} ./configure "${CONFIGURE[@]}" "$@"
    make -j2
  ) > "$dir/build.log" 2>&1 || { tail -30 "$dir/build.log" >&2; echo "nginx: the $name build failed" >&2; return 1; }
  cp "$dir/objs/nginx" "$out"
  echo "$stamp" > "$dir/.stamp"
}

. "$ROOT/ports/cache.sh"
OUTS=("$BIN/nginx" "$BIN/nginx.wasm")
# its configure runs its probes in Arca: the runtime is one of the things the .wasm depends on
PORT_DEPENDS=$(cd "$ROOT" && echo */src/main)
port_cached nginx "${OUTS[@]}" && exit 0

build native "$BIN/nginx" "$script_hash" --with-cc=gcc

# For Arca: a cross build. nginx's configure runs the test programs it builds (type sizes, whether
# a call works), so it runs them in Arca: with ARCA_CC_RUNNABLE=1 'arca cc' writes each linked
# test as PROG.wasm plus a script PROG that runs it with 'arca run' (sdk/arca-cc). --crossbuild
# names a platform nginx has no special case for, so it takes its generic POSIX path
# (ngx_posix_config.h) instead of Linux's (epoll, sendfile, prctl, ...), which Arca is not.
RUNNABLE=1 build arca "$BIN/nginx.wasm" "$script_hash-$sdk_hash" \
  --crossbuild=wasm32-wasi --with-cc="$ROOT/arca cc"
port_store nginx "${OUTS[@]}"
