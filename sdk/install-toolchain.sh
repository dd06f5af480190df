#!/usr/bin/env bash
# Installs what building guests needs, from Debian's packages, when it is missing:
# clang-22 and lld-22 (wasm32 target), wasi-libc, and clang's wasm32 runtime library.
set -euo pipefail
need=()
command -v clang-22 >/dev/null || need+=(clang-22)
command -v wasm-ld-22 >/dev/null || need+=(lld-22)
[ -f /usr/lib/wasm32-wasi/libc.a ] || need+=(wasi-libc)
ls /usr/lib/llvm-22/lib/clang/22/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1 || need+=(libclang-rt-22-dev-wasm32)
[ ${#need[@]} -eq 0 ] && exit 0
echo "arca: installing the wasm toolchain: ${need[*]}" >&2
SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -q >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >&2
