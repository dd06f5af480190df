# The builds of the ports, kept for every clone on this machine. Sourced by ports/NAME/build.sh:
#   . "$ROOT/ports/cache.sh"
#   port_cached NAME OUTPUT...  && exit 0   # the outputs are in place for what they depend on
#   ...build...
#   port_store NAME OUTPUT...                # keep what was just built
# A build's outputs (the native program and the .wasm) depend only on the port's sources and
# scripts, the SDK and the compilers, and those make the key: the files of ports/NAME,
# ports/fetch.sh and this file, every file of sdk/ and the ./arca launcher, the source package
# fetched (its file names carry its version), and the versions of gcc, g++, clang-22, lld-22,
# llvm-22 (llvm-ar), wasi-libc, the wasm compiler runtime and libc6-dev. A fresh clone with the
# same key copies the outputs instead of building them again (the builds take about eight minutes
# of ./test on 2 cores); any change to what they depend on builds again. The cache is
#   ${ARCA_PORTS_CACHE:-${XDG_CACHE_HOME:-~/.cache}/arca/ports}/NAME-KEY/
# (the newest three keys of each port are kept). ARCA_PORTS_REBUILD=1 ignores it. A port whose
# build runs programs in Arca (nginx's configure runs its probes with 'arca run') names the
# runtime's sources too: PORT_DEPENDS, paths below the checkout, set before the calls.

PORTS_CACHE=${ARCA_PORTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/arca/ports}

# port_key NAME: the hash of everything NAME's outputs depend on
port_key() {
  local name=$1 root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  {
    echo "arca ports cache 1: $name"
    # shellcheck disable=SC2086
    (cd "$root" && find "ports/$name" ports/fetch.sh ports/cache.sh sdk arca ${PORT_DEPENDS:-} -type f -print0 |
      LC_ALL=C sort -z | xargs -0 sha256sum)
    (cd "$root/target/ports/$name" && ls -A | grep -E '\.dsc$|\.tar\.|^\.unpatched$' | LC_ALL=C sort)
    gcc --version | head -1
    g++ --version | head -1
    { dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Version}\n' clang-22 lld-22 llvm-22 wasi-libc \
        libclang-rt-22-dev-wasm32 libc6-dev 2>/dev/null || true; } | awk '/^ii/ {print $2, $3}' | LC_ALL=C sort
  } | sha256sum | cut -c1-16
}

# port_cached NAME OUTPUT...: 0 when every output is there for the current key (copied from the
# machine's cache when this tree has not built it); otherwise removes the outputs (so that the
# build script's own checks build them again) and returns 1
port_cached() {
  local name=$1; shift
  local key stamp dir out
  key=$(port_key "$name")
  stamp="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/target/ports/$name/.built"
  dir="$PORTS_CACHE/$name-$key"
  if [ "${ARCA_PORTS_REBUILD:-0}" != 1 ]; then
    if [ "$(cat "$stamp" 2>/dev/null)" = "$key" ] && port_all_there "$@"; then return 0; fi
    if [ -f "$dir/.complete" ]; then
      for out in "$@"; do cp "$dir/$(basename "$out")" "$out.tmp" && mv -f "$out.tmp" "$out" || return 1; done
      echo "$key" > "$stamp"
      echo "$name: the build for this SDK and toolchain from $dir" >&2
      return 0
    fi
  fi
  rm -f "$stamp" "$@"
  return 1
}

port_all_there() { local f; for f in "$@"; do [ -f "$f" ] || return 1; done; }

# port_store NAME OUTPUT...: keeps the outputs under the current key (a copy made aside and renamed,
# so that two clones building at once each leave a whole entry or none)
port_store() {
  local name=$1; shift
  local key stamp dir tmp out
  key=$(port_key "$name")
  stamp="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/target/ports/$name/.built"
  dir="$PORTS_CACHE/$name-$key"
  port_all_there "$@" || { echo "$name: the build left out one of: $*" >&2; return 1; }
  echo "$key" > "$stamp"
  mkdir -p "$PORTS_CACHE"
  tmp=$(mktemp -d "$PORTS_CACHE/.$name-$key.XXXXXX")
  for out in "$@"; do cp "$out" "$tmp/"; done
  touch "$tmp/.complete"
  if [ -f "$dir/.complete" ]; then rm -rf "$tmp"; else rm -rf "$dir"; mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"; fi
  # the newest three builds of this port stay
  ls -dt "$PORTS_CACHE/$name"-???????????????? 2>/dev/null | tail -n +4 | xargs -r rm -rf
}
