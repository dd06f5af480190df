#!/usr/bin/env bash
# Fetches a Debian bookworm source package (unmodified) into target/ports/NAME/:
#   ports/fetch.sh sqlite3 | lua5.4 | lighttpd | nginx | liblinear | quantlib | ...
# Adds a deb-src entry (a copy of the machine's debian.sources with Types: deb-src) on first use.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
name=$1
dest="$ROOT/target/ports/$name"
if [ -f "$dest/.fetched" ]; then exit 0; fi
SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
src=/etc/apt/sources.list.d/arca-deb-src.sources
if [ ! -f "$src" ]; then
  sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources | $SUDO tee "$src" >/dev/null
  $SUDO apt-get update -q >&2
fi
command -v dpkg-source >/dev/null || $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q dpkg-dev >&2
rm -rf "$dest" && mkdir -p "$dest"
# The newest version first; a mirror may list a version it does not serve (a security update
# whose files are gone), so fall back to the next one listed.
fetched=
for v in $(apt-cache showsrc "$name" | sed -n 's/^Version: //p' | sort -rV | uniq); do
  rm -rf "$dest" && mkdir -p "$dest"
  if (cd "$dest" && apt-get source -q "$name=$v" >&2); then fetched=$v; break; fi
done
if [ -z "$fetched" ]; then
  # A mirror may serve a package's upstream tarball but not its Debian part (liblinear 2.3.0's
  # .debian.tar.xz answers 404 here): then the upstream sources, unpacked, without Debian's patches.
  v=$(apt-cache showsrc "$name" | sed -n 's/^Version: //p' | sort -rV | head -1)
  rm -rf "$dest" && mkdir -p "$dest"
  (cd "$dest" && apt-get source -q --download-only "$name=$v" >&2) || true
  orig=$(ls "$dest"/*.orig.tar.* 2>/dev/null | head -1)
  [ -n "$orig" ] || { echo "fetch.sh: no version of the source package $name could be fetched" >&2; exit 1; }
  tar -xf "$orig" -C "$dest"
  echo "fetch.sh: $name $v: only the upstream tarball is served; unpacked without Debian's patches" >&2
  echo "$(basename "$orig") (no Debian patches: the .debian.tar.* was not served)" > "$dest/.unpatched"
fi
touch "$dest/.fetched"
