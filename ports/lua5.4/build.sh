#!/usr/bin/env bash
# Builds the Lua 5.4.4 interpreter (Debian bookworm's source package, unmodified) natively with
# gcc and for Arca with 'arca cc', into target/ports/bin/. Debian's luaconf.h includes a header
# its build generates (DEB_HOST_MULTIARCH); this script generates it the same way.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
"$ROOT/ports/fetch.sh" lua5.4
SRC=$(ls -d "$ROOT"/target/ports/lua5.4/lua5.4-*/src | head -1)
BIN="$ROOT/target/ports/bin"
INC="$ROOT/target/ports/lua5.4/include"
mkdir -p "$BIN" "$INC"
. "$ROOT/ports/cache.sh"
OUTS=("$BIN/lua" "$BIN/lua.wasm")
port_cached lua5.4 "${OUTS[@]}" && exit 0
echo '#define DEB_HOST_MULTIARCH "wasm32-wasi"' > "$INC/lua5.4-deb-multiarch.h"
files=()
for f in "$SRC"/*.c; do case "$(basename "$f")" in luac.c) ;; *) files+=("$f") ;; esac; done
gcc -O2 -DLUA_USE_POSIX -I"$INC" -o "$BIN/lua" "${files[@]}" -lm
"$ROOT/arca" cc -O2 -DLUA_USE_POSIX -I"$INC" -o "$BIN/lua.wasm" "${files[@]}" -lm
port_store lua5.4 "${OUTS[@]}"
