#!/usr/bin/env bash
# Builds lighttpd 1.4.69 (Debian bookworm's source package, unmodified) as a static server (every
# module linked in, LIGHTTPD_STATIC) with lighttpd's own autotools build, twice from the same
# sources and options: natively with gcc (target/ports/bin/lighttpd) and for Arca with 'arca cc'
# (target/ports/bin/lighttpd.wasm). The builds are kept for every clone on this machine and redone
# when what they depend on changes (ports/cache.sh). See ports/lighttpd/README.md for the choices.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
HERE="$ROOT/ports/lighttpd"
"$ROOT/ports/fetch.sh" lighttpd
SRC=$(ls -d "$ROOT"/target/ports/lighttpd/lighttpd-1.4.*/ | head -1)
SRC=${SRC%/}
BIN="$ROOT/target/ports/bin"
mkdir -p "$BIN"

# What a build depends on: this script (and its README's module list lives here too); for Arca
# also the SDK (headers, libarca, the compiler driver).
script_hash=$(sha256sum "$HERE/build.sh" | cut -c1-16)
sdk_hash=$(cd "$ROOT/sdk" && find include libarca arca-cc -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)

# The modules linked in: lighttpd's static build registers those named in src/plugin-static.h
# (INSTALL, "static build using make"); this is every module its Makefile.am links statically.
MODULES=(mod_access mod_accesslog mod_ajp13 mod_alias mod_auth mod_authn_file mod_cgi mod_deflate
         mod_dirlisting mod_evhost mod_expire mod_extforward mod_fastcgi mod_indexfile mod_proxy
         mod_redirect mod_rewrite mod_rrdtool mod_scgi mod_setenv mod_simple_vhost mod_sockproxy
         mod_ssi mod_staticfile mod_status mod_userdir mod_vhostdb mod_webdav)

# Options common to both builds: no external libraries (pcre2, zlib, bzip2 are not in the SDK),
# so both servers have the same features.
CONFIGURE=(--enable-static --disable-shared --without-pcre2 --without-zlib --without-bzip2
           --disable-dependency-tracking)

# build NAME OUT STAMP CONFIGURE_ARGS... : configure in target/ports/lighttpd/build-NAME, make.
build() {
  local name=$1 out=$2 stamp=$3; shift 3
  local dir="$ROOT/target/ports/lighttpd/build-$name"
  if [ -f "$out" ] && [ "$(cat "$dir/.stamp" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  echo "lighttpd: building for $name (log: $dir/build.log)" >&2
  rm -rf "$dir" && mkdir -p "$dir/src"
  printf 'PLUGIN_INIT(%s)\n' "${MODULES[@]}" > "$dir/src/plugin-static.h"
  (
    cd "$dir"
    LIGHTTPD_STATIC=yes "$SRC/configure" "${CONFIGURE[@]}" "$@" CFLAGS=-O2
    # BUILT_SOURCES (the version stamp, lemon's configuration parser) first, then the server only
    make -C src versionstamp parsers
    make -C src -j2 lighttpd
  ) > "$dir/build.log" 2>&1 || { tail -30 "$dir/build.log" >&2; echo "lighttpd: the $name build failed" >&2; return 1; }
  cp "$dir/src/lighttpd" "$out"
  echo "$stamp" > "$dir/.stamp"
}

. "$ROOT/ports/cache.sh"
OUTS=("$BIN/lighttpd" "$BIN/lighttpd.wasm")
port_cached lighttpd "${OUTS[@]}" && exit 0

build native "$BIN/lighttpd" "$script_hash" CC=gcc
# For Arca: a cross build (configure runs no test program). The SDK declares fork, which fails
# with ENOSYS; ac_cv_func_fork=no tells configure so, and lighttpd builds as for a platform
# without fork (no daemonizing, no worker processes, CGI and FastCGI spawning refused).
build arca "$BIN/lighttpd.wasm" "$script_hash-$sdk_hash" --host=wasm32-wasi CC="$ROOT/arca cc" \
  ac_cv_func_fork=no
port_store lighttpd "${OUTS[@]}"
