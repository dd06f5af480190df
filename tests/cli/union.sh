#!/usr/bin/env bash
# The union mount (a writable encrypted volume over a read-only image, docs/encfs.md "Union
# mount"), end to end through the CLI, by the `--union` flag and by a manifest's "union" mount:
# one program (union/tree.c, built with gcc and with arca cc) changes files of the image's tree
# (overwrite, append, delete, rename of files and of a directory, a directory that is not empty
# because of the image's entries and one emptied of them, a directory made where the image's was)
# and lists the tree; natively on a copy of the directory the
# image was built from, and in Arca on the union: the outputs must be equal, the image unchanged,
# the changes there in the next run. The measurement covers a manifest union's image. Hostile: the
# image and the volume the same file, an image that is not one, a wrong key, a tampered image.
# Prints PASS/FAIL per case and "N passed, M failed".
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ARCA=$REPO/arca
T=$(mktemp -d)
pass=0 fail=0
trap 'rm -rf "$T"' EXIT
ok() { pass=$((pass+1)); echo "PASS $1"; }
bad() { fail=$((fail+1)); echo "FAIL $1"; [ -s "$T/err" ] && sed 's/^/    /' "$T/err" | head -5; }
clean() { ! grep -Eq 'Exception|^\s+at [a-z]|\.java:[0-9]+\)' "$T/err" && [ "$(wc -l < "$T/err")" -le 2 ]; }
export ARCA_STATE_DIR=$T/state

"$ARCA" cc -O2 -o "$T/tree.wasm" "$HERE/union/tree.c" && gcc -O2 -o "$T/tree" "$HERE/union/tree.c" \
  || { echo "FAIL build"; echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$T/src/a" "$T/src/b/deep"
printf one > "$T/src/a/one.txt"; printf two > "$T/src/a/two.txt"; printf three > "$T/src/b/three.txt"; printf four > "$T/src/b/deep/four.txt"
built=$("$ARCA" image build --quiet "$T/src" "$T/base.img" 2>"$T/err") || { bad "image build"; echo "$pass passed, $fail failed"; exit 1; }
head -c 32 /dev/urandom > "$T/key"
img_sum=$(sha256sum < "$T/base.img")

OPS=(put a/one.txt ONE append a/two.txt +more rm b/three.txt rmdir a rmdir b/deep mkdir c put c/new.txt new
     mv a/two.txt c/two.txt mv b c/b rm a/one.txt put a/one.txt again mkdir a rmdir x
     rm c/b/deep/four.txt rmdir c/b/deep mkdir b put b/x.txt x list)
cp -r "$T/src" "$T/native"
"$T/tree" "$T/native" "${OPS[@]}" > "$T/want"
"$T/tree" "$T/native" list > "$T/want-after"

"$ARCA" run --union "$T/base.img+$T/up.vol::/data" --key-file "$T/key" "$T/tree.wasm" /data "${OPS[@]}" > "$T/got" 2>"$T/err"
[ $? = 0 ] && cmp -s "$T/want" "$T/got" && clean \
  && ok "--union: overwrite, append, delete, renames of a file and a directory from the image: as natively on a copy ($(grep -c . "$T/want") lines)" \
  || { bad "--union: the same as natively"; diff "$T/want" "$T/got" | head -10; }
"$ARCA" run --union "$T/base.img+$T/up.vol::/data" --key-file "$T/key" "$T/tree.wasm" /data list > "$T/got" 2>"$T/err"
[ $? = 0 ] && cmp -s "$T/want-after" "$T/got" && ok "--union: the changes are in the next run" || { bad "--union: the changes in the next run"; diff "$T/want-after" "$T/got" | head; }
[ "$(sha256sum < "$T/base.img")" = "$img_sum" ] && [ "$("$ARCA" image cat "$T/base.img" a/one.txt 2>/dev/null)" = one ] \
  && ok "the image is never written (its bytes unchanged; a/one.txt still 'one' in it)" || bad "the image is never written"
"$ARCA" run --dir "$T::/t" "$T/tree.wasm" /t/src list > "$T/got" 2>"$T/err"
"$T/tree" "$T/src" list > "$T/want-src"
cmp -s "$T/want-src" "$T/got" && ok "(the source tree listed in Arca as natively)" || bad "the source tree listed the same"
! grep -aq -e "again" -e "+more" "$T/up.vol" && ok "the volume holds the changes encrypted (no plaintext in its file)" || bad "plaintext in the volume's file"

# the same through a manifest, which is measured with the union's image
cp "$T/tree.wasm" "$T/app.wasm"
printf '{"entry": "app.wasm", "args": ["/", %s], "mounts": [{"type": "union", "image": "base.img", "source": "m.vol", "path": "/"}]}' \
  "$(printf '"%s", ' "${OPS[@]}" | sed 's/, $//')" > "$T/m.json"
"$ARCA" run --manifest "$T/m.json" --key-file "$T/key" > "$T/got" 2>"$T/err"
[ $? = 0 ] && cmp -s "$T/want" "$T/got" && clean && ok "a manifest's union mount as the guest's root: the same as natively" \
  || { bad "a manifest's union mount"; diff "$T/want" "$T/got" | head; }
root=$("$ARCA" measure --manifest "$T/m.json" 2>"$T/err")
m1=$(echo "$root" | head -1)
echo "$root" | grep -Eq "^ *image +/ ${built#sha256:}\$" && ok "arca measure names the union's image by its root hash (the one 'image build' printed)" || { bad "arca measure names the union's image"; echo "$root" | head -5; }
mkdir -p "$T/src2"; cp -r "$T/src/." "$T/src2/"; printf ONE > "$T/src2/a/one.txt"
"$ARCA" image build --quiet "$T/src2" "$T/base2.img" >/dev/null 2>&1
cp "$T/base.img" "$T/base1.img"; cp "$T/base2.img" "$T/base.img"
m2=$("$ARCA" measure --manifest "$T/m.json" 2>/dev/null | head -1)
cp "$T/base1.img" "$T/base.img"
[ -n "$m1" ] && [ -n "$m2" ] && [ "$m1" != "$m2" ] && [ "$("$ARCA" measure --manifest "$T/m.json" 2>/dev/null | head -1)" = "$m1" ] \
  && ok "another image under the union: another measurement (and the first again with the first image)" || bad "the measurement covers the union's image ($m1 / $m2)"

# hostile
"$ARCA" run --union "$T/base.img+$T/base.img::/data" --key-file "$T/key" "$T/tree.wasm" /data list > "$T/got" 2>"$T/err"
[ $? = 125 ] && grep -q "two different files" "$T/err" && clean && [ ! -s "$T/got" ] && [ "$(sha256sum < "$T/base.img")" = "$img_sum" ] \
  && ok "the image as its own volume: one line, 125, the image untouched" || bad "the image as its own volume"
head -c 65536 /dev/urandom > "$T/junk.img"
"$ARCA" run --union "$T/junk.img+$T/j.vol::/data" --key-file "$T/key" "$T/tree.wasm" /data list > "$T/got" 2>"$T/err"
[ $? = 125 ] && grep -q "junk.img" "$T/err" && clean && [ ! -s "$T/got" ] && ok "an image that is not one: one line naming it, 125" || bad "an image that is not one"
head -c 32 /dev/urandom > "$T/key2"
"$ARCA" run --union "$T/base.img+$T/up.vol::/data" --key-file "$T/key2" "$T/tree.wasm" /data list > "$T/got" 2>"$T/err"
[ $? = 125 ] && grep -q "wrong key" "$T/err" && clean && [ ! -s "$T/got" ] && ok "the volume with another key: 'wrong key', 125, nothing run" || bad "the volume with another key"
cp "$T/base.img" "$T/bad.img"
size=$(stat -c %s "$T/bad.img")
# flip a byte in every 4 KiB block past the first two (the superblocks): whichever block holds a
# file or a directory is then damaged
python3 - "$T/bad.img" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
for off in range(2 * 4096 + 100, len(b), 4096):
    b[off] ^= 0x40
open(p, 'wb').write(b)
PY
"$ARCA" run --union "$T/bad.img+$T/b.vol::/data" --key-file "$T/key" "$T/tree.wasm" /data list > "$T/got" 2>"$T/err"
rc=$?
{ [ $rc = 125 ] || grep -q "EIO\|other" "$T/got"; } && grep -qi "security\|tamper\|damaged\|integrity" "$T/err" && ! grep -q "Exception" "$T/err" \
  && ! grep -q "f a/one.txt 3 one" "$T/got" \
  && ok "a tampered image: refused or EIO with a security line, its content never shown ($size bytes, rc $rc)" || { bad "a tampered image"; head -5 "$T/got"; }

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
