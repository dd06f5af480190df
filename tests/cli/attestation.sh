#!/usr/bin/env bash
# Attestation from the command line: a guest gets evidence over its own data through
# /dev/attestation, and the host verifies it; the key broker releases a volume key over RA-TLS
# to a matching instance and refuses the others; bad input gives one line and exit 125.
# Uses a throw-away sim installation ($ARCA_CONFIG_DIR). Prints PASS/FAIL per case and
# "N passed, M failed".
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ARCA=${ARCA:-$REPO/arca}
T=$(mktemp -d)
BROKER=
cleanup() { [ -n "$BROKER" ] && kill "$BROKER" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
export ARCA_CONFIG_DIR="$T/config" ARCA_STATE_DIR="$T/state" ARCA_ATTESTATION_PROVIDER=sim
pass=0 fail=0
ok() { pass=$((pass+1)); echo "PASS $1"; }
bad() { fail=$((fail+1)); echo "FAIL $1"; [ -f "$T/err" ] && sed 's/^/    /' "$T/err" | head -5; }
# no Java stack trace, at most 3 lines on stderr
clean() { ! grep -Eq 'Exception|^\s+at [a-z]|\.java:[0-9]+\)' "$T/err" && [ "$(wc -l < "$T/err")" -le 3 ]; }

"$ARCA" cc -O1 -o "$T/att.wasm" "$HERE/attestation/dev_attestation.c" || { echo "FAIL build"; echo "0 passed, 1 failed"; exit 1; }
mkdir "$T/out"

# 1. /dev/attestation: the guest writes 64 bytes, reads a quote over them; the host verifies it
"$ARCA" run --dir "$T/out::/out" "$T/att.wasm" /out/quote >"$T/stdout" 2>"$T/err"
if [ $? -eq 0 ] && grep -q '^type sim, quote [0-9]* bytes$' "$T/stdout" && grep -q 'WARNING.*sim' "$T/err" && clean
then ok "guest quote over its own report data"; else bad "guest quote over its own report data"; cat "$T/stdout"; fi
rd=$(for i in $(seq 0 63); do printf '%02x' $((0xa0 + i)); done)
printf '{"allowSim": true, "reportData": "%s"}' "$rd" > "$T/rd-policy.json"
if "$ARCA" attest verify --evidence "$T/out/quote" --policy "$T/rd-policy.json" >/dev/null 2>"$T/err"
then ok "host verifies the guest's quote and its report data"; else bad "host verifies the guest's quote and its report data"; fi
printf '{"allowSim": true, "reportData": "%s"}' "$(printf '%0128d' 0)" > "$T/rd0.json"
"$ARCA" attest verify --evidence "$T/out/quote" --policy "$T/rd0.json" >/dev/null 2>"$T/err"
[ $? -eq 1 ] && ok "other report data refused" || bad "other report data refused"
ARCA_ATTESTATION_PROVIDER=nope "$ARCA" run "$T/att.wasm" >/dev/null 2>"$T/err"
[ $? -eq 125 ] && grep -q 'unknown attestation provider' "$T/err" && clean && ok "bad provider: 125" || bad "bad provider: 125"

# the evidence measures the manifest the instance runs by, even when the host replaces the file
# after the start (Arca reads it once; before, the quote re-read it and attested the new one)
mkdir "$T/swap" "$T/swap/out"
cp "$T/att.wasm" "$T/swap/"
printf '{"entry": "att.wasm", "args": ["/out/quote", "/out/go"], "mounts": [{"type": "hostfs", "source": "out", "path": "/out"}]}' > "$T/swap/m.json"
m_orig=$("$ARCA" measure --manifest "$T/swap/m.json" | head -1)
"$ARCA" run --manifest "$T/swap/m.json" >"$T/stdout" 2>"$T/err" &
att_pid=$!
for _ in $(seq 300); do [ -e "$T/swap/out/go.ready" ] && break; sleep 0.1; done
printf '{"entry": "att.wasm", "args": ["/out/quote", "/out/go"], "env": {"SWAPPED": "1"}, "mounts": [{"type": "hostfs", "source": "out", "path": "/out"}]}' > "$T/swap/m.json.new"
mv "$T/swap/m.json.new" "$T/swap/m.json"
m_new=$("$ARCA" measure --manifest "$T/swap/m.json" | head -1)
touch "$T/swap/out/go"
wait "$att_pid"; rc=$?
printf '{"allowSim": true, "allowedMeasurements": ["%s"]}' "$m_orig" > "$T/swap/orig.json"
if [ $rc -eq 0 ] && [ "$m_orig" != "$m_new" ] && "$ARCA" attest verify --evidence "$T/swap/out/quote" --policy "$T/swap/orig.json" >/dev/null 2>"$T/err"
then ok "a manifest replaced on the host after the start: the quote still measures the one the instance runs by"
else bad "a manifest replaced on the host after the start: the quote still measures the one the instance runs by"; fi

# the same for an image the manifest mounts: the instance mounts the image it measured (pinned to
# its root hash), and its quote names that image even if the host replaces the file afterwards
mkdir -p "$T/swap/a" "$T/swap/b"; echo one > "$T/swap/a/f"; echo two > "$T/swap/b/f"
"$ARCA" image build --quiet "$T/swap/a" "$T/swap/app.img" >/dev/null && "$ARCA" image build --quiet "$T/swap/b" "$T/swap/other.img" >/dev/null
rm -f "$T/swap/out/"*
printf '{"entry": "att.wasm", "args": ["/out/quote", "/out/go"], "mounts": [{"type": "hostfs", "source": "out", "path": "/out"}, {"type": "image", "source": "app.img", "path": "/app"}]}' > "$T/swap/i.json"
m_orig=$("$ARCA" measure --manifest "$T/swap/i.json" | head -1)
"$ARCA" run --manifest "$T/swap/i.json" >"$T/stdout" 2>"$T/err" &
att_pid=$!
for _ in $(seq 300); do [ -e "$T/swap/out/go.ready" ] && break; sleep 0.1; done
cp "$T/swap/other.img" "$T/swap/app.img.new" && mv "$T/swap/app.img.new" "$T/swap/app.img"
m_new=$("$ARCA" measure --manifest "$T/swap/i.json" | head -1)
touch "$T/swap/out/go"
wait "$att_pid"; rc=$?
printf '{"allowSim": true, "allowedMeasurements": ["%s"]}' "$m_orig" > "$T/swap/orig.json"
if [ $rc -eq 0 ] && [ "$m_orig" != "$m_new" ] && "$ARCA" attest verify --evidence "$T/swap/out/quote" --policy "$T/swap/orig.json" >/dev/null 2>"$T/err"
then ok "an image replaced on the host after the start: the quote still names the image the instance mounted"
else bad "an image replaced on the host after the start: the quote still names the image the instance mounted"; fi

# 2. key broker on loopback
head -c 32 /dev/urandom > "$T/key"
cat > "$T/w.c" <<'C'
#include <stdio.h>
int main(int c, char **v) { FILE *f = fopen(v[1], c > 2 ? "w" : "r"); char b[64] = {0};
  if (!f) { perror(v[1]); return 1; } if (c > 2) fputs(v[2], f); else { fgets(b, sizeof b, f); fputs(b, stdout); }
  return fclose(f) != 0; }
C
"$ARCA" cc -O1 -o "$T/w.wasm" "$T/w.c" || bad "build w.c"
# the instance's measurement covers the program it runs (no manifest here: w.wasm itself)
m=$("$ARCA" measure --program "$T/w.wasm" | head -1)
printf '{"allowSim": true, "allowedMeasurements": ["%s"]}' "$m" > "$T/allow.json"
printf '{"allowSim": true, "allowedMeasurements": ["%s"]}' "$(printf '%064d' 0)" > "$T/wrong.json"
printf '{"allowedMeasurements": ["%s"]}' "$m" > "$T/nosim.json"

# broker POLICY: starts a broker serving 1 connection, sets PORT
broker() {
  : > "$T/broker.log"
  timeout 60 "$ARCA" keybroker serve --port 0 --key-file "$T/key" --policy "$1" --max-requests 1 2>"$T/broker.log" &
  BROKER=$!
  for _ in $(seq 100); do grep -q 'listening on' "$T/broker.log" && break; sleep 0.1; done
  PORT=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$T/broker.log")
}
broker "$T/allow.json"
"$ARCA" run --key-broker "127.0.0.1:$PORT" --volume "$T/vol::/v" "$T/w.wasm" /v/secret hello >/dev/null 2>"$T/err"
rc=$?; wait "$BROKER"; BROKER=
if [ $rc -eq 0 ] && grep -q 'key released' "$T/broker.log" && "$ARCA" run --key-file "$T/key" --volume "$T/vol::/v" "$T/w.wasm" /v/secret 2>/dev/null | grep -q '^hello$'
then ok "broker releases the key to a matching sim instance (volume readable with that key)"; else bad "broker releases the key"; cat "$T/broker.log"; fi

broker "$T/wrong.json"
"$ARCA" run --key-broker "127.0.0.1:$PORT" --volume "$T/vol2::/v" "$T/w.wasm" /v/x y >/dev/null 2>"$T/err"
rc=$?; wait "$BROKER"; BROKER=
[ $rc -eq 125 ] && grep -q 'refused' "$T/err" && clean && grep -q 'refused.*measurement .* is not allowed' "$T/broker.log" && [ ! -e "$T/vol2" ] \
  && ok "broker refuses a wrong measurement" || { bad "broker refuses a wrong measurement"; cat "$T/broker.log"; }

broker "$T/nosim.json"
"$ARCA" run --key-broker "localhost:$PORT" --volume "$T/vol2::/v" "$T/w.wasm" /v/x y >/dev/null 2>"$T/err"
rc=$?; wait "$BROKER"; BROKER=
[ $rc -eq 125 ] && clean && grep -q 'refused.*sim evidence' "$T/broker.log" && ok "broker refuses sim unless the policy allows it" \
  || { bad "broker refuses sim unless the policy allows it"; cat "$T/broker.log"; }

# bad input
check() { local name=$1 pattern=$2; shift 2; "$ARCA" "$@" >/dev/null 2>"$T/err" </dev/null; local rc=$?
  if [ $rc -eq 125 ] && grep -Eq "$pattern" "$T/err" && clean; then ok "$name"; else bad "$name (exit $rc)"; fi; }
check "--key-broker not loopback" 'only a broker on 127.0.0.1' run --key-broker 10.0.0.1:80 --volume "$T/v3::/v" "$T/w.wasm" /v/x
check "--key-broker no port" 'expected HOST:PORT' run --key-broker 127.0.0.1 "$T/w.wasm" /x
check "--key-broker nobody listening" 'key broker|refused|Connection' run --key-broker 127.0.0.1:1 "$T/w.wasm" /x
check "--key-broker with --key-file" 'give one of them' run --key-broker 127.0.0.1:1 --key-file "$T/key" "$T/w.wasm" /x
check "keybroker bad key file" 'key-file' keybroker serve --port 0 --key-file "$T/allow.json" --policy "$T/allow.json"
echo '{"allowSim": tru' > "$T/badpol.json"
check "keybroker bad policy" 'policy' keybroker serve --port 0 --key-file "$T/key" --policy "$T/badpol.json"
check "keybroker bad port" 'not a TCP port' keybroker serve --port 70000 --key-file "$T/key" --policy "$T/allow.json"

# a volume key sealed to the instance (sim): the same program opens its volume again, another cannot
"$ARCA" run --sealed-key --volume "$T/sealed.vol::/v" "$T/w.wasm" /v/s sealed-data >/dev/null 2>"$T/err"
got=$("$ARCA" run --sealed-key --volume "$T/sealed.vol::/v" "$T/w.wasm" /v/s 2>>"$T/err")
"$ARCA" cc -O2 -o "$T/other.wasm" "$T/w.c" # the same source built otherwise: another module, another measurement
"$ARCA" run --sealed-key --volume "$T/sealed.vol::/v" "$T/other.wasm" /v/s >/dev/null 2>"$T/err2"; rc=$?
if [ "$got" = "sealed-data" ] && [ $rc -eq 125 ] && grep -q "sealed.vol" "$T/err2" && ! grep -q "Exception" "$T/err2"; then ok "sealed key: same instance reopens, another is refused"
else bad "sealed key: same instance reopens, another is refused (got '$got', rc $rc)"; cat "$T/err2" | head -3; fi
check "--sealed-key with --key-file" 'give one of them' run --sealed-key --key-file "$T/key" "$T/w.wasm" /x

# the measurement covers the root hash of each image the manifest mounts
mkdir -p "$T/img/src" && echo one > "$T/img/src/a.txt" && cp "$T/w.wasm" "$T/img/app.wasm"
"$ARCA" image build "$T/img/src" "$T/img/app.img" >/dev/null 2>&1
echo '{"entry": "app.wasm", "mounts": [{"type": "image", "source": "app.img", "path": "/app"}]}' > "$T/img/arca.json"
m1=$("$ARCA" measure --manifest "$T/img/arca.json" 2>"$T/err")
echo two > "$T/img/src/a.txt"
"$ARCA" image build "$T/img/src" "$T/img/app.img" >/dev/null 2>&1
m2=$("$ARCA" measure --manifest "$T/img/arca.json" 2>>"$T/err")
if echo "$m1" | grep -q "image    /app " && [ "$(echo "$m1" | head -1)" != "$(echo "$m2" | head -1)" ]; then ok "measure covers image root hashes"; else bad "measure covers image root hashes"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
