#!/usr/bin/env bash
# Where the QuantLib port's build lives and whether it is built. The build takes long (README), so
# it goes to a cache outside the repository that every later run and every clone on this machine
# reuses:
#   ${ARCA_PORTS_CACHE:-${XDG_CACHE_HOME:-~/.cache}/arca/ports}/quantlib-VERSION-KEY/{native,wasm}
# KEY is a hash of what the build's output depends on: the QuantLib source package's version,
# ports/quantlib/build.sh (less its comment lines), the native and wasm compilers and the packages
# they take headers from (versions), the compile command 'arca c++' issues (its flags, with the
# checkout's and the C++ runtime's paths taken out), and the content of the headers the wasm build
# sees: the C++ runtime's include dir (sdk/cxx-runtime.sh), the SDK's overlay (sdk/include) and
# wasi-libc's. A change to sdk/cxx-runtime.sh's text that leaves its headers as they were keeps
# the key. What is linked last (libarca, libc++.a) is not in it: programs are linked against the
# cached library and objects where they are used (tests/ports, demo, bench).
#
#   ports/quantlib/cache.sh   prints that directory; exit 0 if its build is complete, 1 if not
# Sourced (by build.sh), it sets QL_DEB (the Debian version), QL_CACHE, QL_DIR (the directory
# above) and QL_TREE (the CMake build trees, reused while the compilers and headers stay the same:
# ninja then rebuilds only what a change to build.sh touches).
set -euo pipefail
QL_ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
QL_DEB=1.29-1
QL_CACHE=${ARCA_PORTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/arca/ports}

# tree DIR: each file's hash and path below DIR (symbolic links followed)
ql_tree() { (cd "$1" && find -L . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum); }

ql_toolchain() {
  local cxxrt=$1
  echo "quantlib $QL_DEB"
  g++ --version | head -1
  cmake --version | head -1
  echo "ninja $(ninja --version)"
  { dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Version}\n' libc6-dev 'libboost[0-9]*-dev' clang-22 \
      lld-22 wasi-libc libclang-rt-22-dev-wasm32 2>/dev/null || true; } | awk '/^ii/ {print $2, $3}' | LC_ALL=C sort
  (cd / && ARCA_CC_MODE=c++ "$QL_ROOT/sdk/arca-cc" -### -O2 -c -x c++ /dev/null -o /dev/null 2>&1) |
    sed "s#$cxxrt#@CXXRT@#g; s#$QL_ROOT#@ROOT@#g"
  echo "C++ runtime headers"; ql_tree "$cxxrt/include"
  echo "SDK overlay headers"; ql_tree "$QL_ROOT/sdk/include"
  echo "wasi-libc headers"; ql_tree /usr/include/wasm32-wasi
}

cxxrt=$("$QL_ROOT/sdk/cxx-runtime.sh") || { echo "quantlib: the C++ runtime could not be built (see above)" >&2; exit 1; }
toolchain=$(ql_toolchain "$cxxrt")
tool_key=$(echo "$toolchain" | sha256sum | cut -c1-12)
key=$( (echo "$toolchain"; grep -v "^[[:space:]]*#" "$QL_ROOT/ports/quantlib/build.sh" || true) | sha256sum | cut -c1-12)
QL_DIR="$QL_CACHE/quantlib-$QL_DEB-$key"
QL_TREE="$QL_CACHE/quantlib-build-$tool_key"
unset cxxrt toolchain tool_key key

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  echo "$QL_DIR"
  [ -f "$QL_DIR/.complete" ]
fi
