#!/usr/bin/env bash
# Real servers over real sockets: lighttpd 1.4.69 and nginx 1.22.1 (Debian's sources, unmodified,
# built by ports/*/build.sh) serve the same files natively and in Arca, and curl must get the same
# status and bytes from both; in Arca the files come from an image (lighttpd) and an encrypted
# volume (nginx). A lighttpd in one instance reverse-proxies to a lighttpd in another over
# transparent RA-TLS (each names the other's measurement); a capture of their loopback traffic
# holds no plaintext; an impostor (another program, another measurement) is refused. Hostile
# clients: a port scan, 1,000 half-open connections, a client that sends without ever reading,
# garbage, plaintext and plain TLS on the RA-TLS port. Afterwards no instance has crashed, printed
# a Java stack trace or kept a host socket. Ends with "N passed, M failed".
#   KEEP_TMP=1 keeps the work directory (printed at the end).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ARCA="$ROOT/arca"
BIN="$ROOT/target/ports/bin"
OUT="$ROOT/target/net"
T=$(mktemp -d /tmp/arca-net.XXXXXX)
export ARCA_STATE_DIR="$T/state"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  if [ "${KEEP_TMP:-0}" = 1 ]; then echo "work directory: $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
cd "$T"
pass=0 fail=0
ok() { pass=$((pass+1)); echo "PASS $1"; }
bad() { fail=$((fail+1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/    /' "$2" | head -30; }
# check NAME COMMAND...: PASS when COMMAND succeeds; its output is shown on failure
check() { local name=$1; shift; if "$@" > "$T/check.out" 2>&1; then ok "$name"; sed 's/^/    /' "$T/check.out" | head -8; else bad "$name" "$T/check.out"; fi; }

# --- builds: the servers (cached by their scripts) and two small guests
command -v tcpdump >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q tcpdump >/dev/null 2>&1
command -v ss >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q iproute2 >/dev/null 2>&1
"$ROOT/ports/lighttpd/build.sh" || { bad "lighttpd build"; echo "$pass passed, $fail failed"; exit 1; }
"$ROOT/ports/nginx/build.sh" || { bad "nginx build"; echo "$pass passed, $fail failed"; exit 1; }
mkdir -p "$OUT"
for prog in httpget cpfiles; do
  if [ ! -f "$OUT/$prog.wasm" ] || [ "$HERE/src/$prog.c" -nt "$OUT/$prog.wasm" ] || [ "$ROOT/target/sdk/libarca.a" -nt "$OUT/$prog.wasm" ]; then
    "$ARCA" cc -O2 "$HERE/src/$prog.c" -o "$OUT/$prog.wasm" || { bad "$prog build"; exit 1; }
  fi
done

# --- helpers
free_ports() {  # N distinct ports free on 127.0.0.1 now
  python3 -c 'import socket,sys
ss=[socket.socket() for _ in range(int(sys.argv[1]))]
for s in ss: s.bind(("127.0.0.1",0))
print(" ".join(str(s.getsockname()[1]) for s in ss))' "$1"
}
# start NAME COMMAND...: runs it in the background (stdout NAME.out, stderr NAME.err); sets $last
start() { local name=$1; shift; "$@" > "$T/$name.out" 2> "$T/$name.err" & last=$!; pids+=("$last"); }
# wait_port PORT PID: until PORT accepts (60 s), or PID has ended
wait_port() {
  for _ in $(seq 1 240); do
    kill -0 "$2" 2>/dev/null || return 1
    python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1).close()' "$1" 2>/dev/null && return 0
    sleep 0.25
  done
  return 1
}
sockets_of() { ls -l "/proc/$1/fd" 2>/dev/null | grep -c 'socket:'; }
# settle_sockets PID BASELINE: until PID holds at most BASELINE host sockets (30 s); prints the count
settle_sockets() {
  local n
  for _ in $(seq 1 60); do n=$(sockets_of "$1"); [ "$n" -le "$2" ] && break; sleep 0.5; done
  echo "$n"
}
fetch() { curl -s --max-time 60 -o "$2" -w '%{http_code} %{content_type} %{size_download}' "$1"; }

# compare LABEL NATIVE_PORT ARCA_PORT: the same answers from both servers
compare() {
  local label=$1 np=$2 ap=$3 path
  for path in / /index.html /1k.bin /1m.bin /nope; do
    local n a
    n=$(fetch "http://127.0.0.1:$np$path" "$T/native.body")
    a=$(fetch "http://127.0.0.1:$ap$path" "$T/arca.body")
    if [ "$n" = "$a" ] && cmp -s "$T/native.body" "$T/arca.body" && [ -n "$n" ]; then
      ok "$label GET $path: same status, type and bytes as native ($a)"
    else
      echo "native: $n; arca: $a" > "$T/diff"; cmp "$T/native.body" "$T/arca.body" >> "$T/diff" 2>&1
      bad "$label GET $path: same status, type and bytes as native" "$T/diff"
    fi
  done
  # two requests on one kept-alive connection, and a range
  local kn ka
  kn=$(curl -s --max-time 60 -o /dev/null -o /dev/null -w '%{http_code} %{num_connects};' "http://127.0.0.1:$np/1k.bin" "http://127.0.0.1:$np/index.html")
  ka=$(curl -s --max-time 60 -o /dev/null -o /dev/null -w '%{http_code} %{num_connects};' "http://127.0.0.1:$ap/1k.bin" "http://127.0.0.1:$ap/index.html")
  echo "native: $kn; arca: $ka" > "$T/diff"
  if [ "$kn" = "$ka" ] && [ "$ka" = "200 1;200 0;" ]; then ok "$label keep-alive: two requests on one connection ($ka)"; else bad "$label keep-alive" "$T/diff"; fi
  n=$(curl -s --max-time 60 -r 1000-5095 -o "$T/native.body" -w '%{http_code} %{size_download}' "http://127.0.0.1:$np/1m.bin")
  a=$(curl -s --max-time 60 -r 1000-5095 -o "$T/arca.body" -w '%{http_code} %{size_download}' "http://127.0.0.1:$ap/1m.bin")
  echo "native: $n; arca: $a" > "$T/diff"
  if [ "$n" = "$a" ] && [ "$a" = "206 4096" ] && cmp -s "$T/native.body" "$T/arca.body"; then ok "$label range request: same 4 KiB ($a)"; else bad "$label range request" "$T/diff"; fi
}

# --- the site: an index with a marker to look for on the wire, 1 KiB and 1 MiB of fixed bytes
MARKER="ARCA-PLAINTEXT-MARKER-$RANDOM$RANDOM"
mkdir -p "$T/site"
echo "<html><body>$MARKER</body></html>" > "$T/site/index.html"
python3 -c 'import random,sys; r=random.Random(7); open(sys.argv[1],"wb").write(r.randbytes(1024)); open(sys.argv[2],"wb").write(r.randbytes(1<<20))' \
  "$T/site/1k.bin" "$T/site/1m.bin"
read -r LN LA NN NA PB PP <<< "$(free_ports 6)"

lighttpd_conf() {  # DOCROOT PORT TMPDIR
  cat <<EOF
server.document-root = "$1"
server.port = $2
server.bind = "127.0.0.1"
server.event-handler = "poll"
server.modules = ("mod_indexfile", "mod_staticfile")
index-file.names = ("index.html")
mimetype.assign = (".html" => "text/html", ".bin" => "application/octet-stream")
server.upload-dirs = ("$3")
server.max-fds = 4096
server.max-connections = 2048
EOF
}
nginx_conf() {  # DOCROOT PORT
  cat <<EOF
master_process off;
daemon off;
worker_processes 1;
error_log stderr notice;
pid logs/nginx.pid;
events { use poll; worker_connections 2048; }
http {
  access_log off;
  types { text/html html; application/octet-stream bin; }
  server { listen 127.0.0.1:$2; root $1; index index.html; }
}
EOF
}

echo "=== lighttpd: native vs Arca (files from an image)"
mkdir -p "$T/ln/tmp" "$T/la/conf" "$T/la/tmp"
lighttpd_conf "$T/site" "$LN" "$T/ln/tmp" > "$T/ln/lighttpd.conf"
lighttpd_conf /www "$LA" /tmp > "$T/la/conf/lighttpd.conf"
"$ARCA" image build --quiet "$T/site" "$T/site.img" > /dev/null
cat > "$T/lighttpd.json" <<EOF
{"entry": "$BIN/lighttpd.wasm", "args": ["-D", "-f", "/conf/lighttpd.conf"],
 "mounts": [{"type": "hostfs", "source": "la", "path": "/"}, {"type": "image", "source": "site.img", "path": "/www"}],
 "limits": {"openFiles": 4096, "sockets": 4096},
 "network": {"listen": [{"port": $LA}]}}
EOF
start lighttpd-native "$BIN/lighttpd" -D -f "$T/ln/lighttpd.conf"; ln_pid=$last
start lighttpd-arca "$ARCA" run --manifest "$T/lighttpd.json"; la_pid=$last
if wait_port "$LN" "$ln_pid" && wait_port "$LA" "$la_pid"; then
  compare lighttpd "$LN" "$LA"
else
  bad "lighttpd started natively and in Arca" "$T/lighttpd-arca.err"
fi

echo "=== nginx: native vs Arca (files from an encrypted volume)"
head -c 32 /dev/urandom > "$T/vol.key"
if "$ARCA" run --dir "$T/site::/src" --volume "$T/site.vol::/dst" --key-file "$T/vol.key" "$OUT/cpfiles.wasm" /src /dst > "$T/cp.out" 2>&1; then
  if grep -aq "$MARKER" "$T/site.vol"; then bad "the encrypted volume holds no plaintext of the site"; else ok "the site copied into an encrypted volume (no plaintext in the volume file)"; fi
else
  bad "the site copied into an encrypted volume" "$T/cp.out"
fi
mkdir -p "$T/nn/logs" "$T/nn/conf" "$T/na/logs" "$T/na/conf"
nginx_conf "$T/site" "$NN" > "$T/nn/conf/nginx.conf"
nginx_conf /www "$NA" > "$T/na/conf/nginx.conf"
start nginx-native "$BIN/nginx" -p "$T/nn/" -c conf/nginx.conf; nn_pid=$last
start nginx-arca "$ARCA" run --dir "$T/na::/" --volume "$T/site.vol::/www" --key-file "$T/vol.key" --listen "$NA" \
  "$BIN/nginx.wasm" -p / -c conf/nginx.conf; na_pid=$last
if wait_port "$NN" "$nn_pid" && wait_port "$NA" "$na_pid"; then
  compare nginx "$NN" "$NA"
else
  bad "nginx started natively and in Arca" "$T/nginx-arca.err"
fi
kill "$nn_pid" "$na_pid" "$ln_pid" 2>/dev/null

echo "=== a lighttpd proxy and a lighttpd backend in two instances over transparent RA-TLS"
m() { "$ARCA" measure --json --manifest "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["measurement"])'; }
m_program() { "$ARCA" measure --json --manifest "$1" --program "$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["measurement"])'; }
mkdir -p "$T/b/site" "$T/p"
cp "$T/site/"* "$T/b/site/"
lighttpd_conf /srv/site "$PB" /tmp > "$T/b/lighttpd.conf"
lighttpd_conf /tmp "$PP" /tmp | sed 's/"mod_indexfile", "mod_staticfile"/"mod_proxy"/' > "$T/p/lighttpd.conf"
echo "proxy.server = (\"\" => ((\"host\" => \"127.0.0.1\", \"port\" => $PB)))" >> "$T/p/lighttpd.conf"
"$ARCA" image build --quiet "$T/b" "$T/backend.img" > /dev/null
"$ARCA" image build --quiet "$T/p" "$T/proxy.img" > /dev/null
cp "$BIN/lighttpd.wasm" "$OUT/httpget.wasm" "$T/"
cat > "$T/backend.json" <<EOF
{"entry": "lighttpd.wasm", "args": ["-D", "-f", "/srv/lighttpd.conf"],
 "mounts": [{"type": "image", "source": "backend.img", "path": "/srv"}, {"type": "ramfs", "path": "/tmp"}],
 "limits": {"openFiles": 4096, "sockets": 4096},
 "network": {"listen": [{"port": $PB, "tls": "ra-tls", "policy": "backend-peers.json"}]}}
EOF
cat > "$T/proxy.json" <<EOF
{"entry": "lighttpd.wasm", "args": ["-D", "-f", "/etc/lighttpd/lighttpd.conf"],
 "mounts": [{"type": "image", "source": "proxy.img", "path": "/etc/lighttpd"}, {"type": "ramfs", "path": "/tmp"}],
 "limits": {"openFiles": 4096, "sockets": 4096},
 "network": {"listen": [{"port": $PP}], "connect": [{"host": "127.0.0.1", "port": $PB, "tls": "ra-tls", "policy": "proxy-peers.json"}]}}
EOF
cat > "$T/impostor.json" <<EOF
{"entry": "httpget.wasm", "args": ["127.0.0.1", "$PB", "/index.html"],
 "network": {"connect": [{"host": "127.0.0.1", "port": $PB, "tls": "ra-tls", "policy": "proxy-peers.json"}]}}
EOF
MB=$(m "$T/backend.json"); MP=$(m "$T/proxy.json"); MI=$(m "$T/impostor.json")
echo "{\"allowedMeasurements\": [\"$MP\"], \"allowSim\": true}" > "$T/backend-peers.json"
echo "{\"allowedMeasurements\": [\"$MB\"], \"allowSim\": true}" > "$T/proxy-peers.json"
start backend "$ARCA" run --manifest "$T/backend.json"; b_pid=$last
start proxy "$ARCA" run --manifest "$T/proxy.json"; p_pid=$last
if wait_port "$PB" "$b_pid" && wait_port "$PP" "$p_pid"; then
  start tcpdump-ratls tcpdump -i lo -U -w "$T/ratls.pcap" "tcp port $PB"; td1=$last
  start tcpdump-plain tcpdump -i lo -U -w "$T/plain.pcap" "tcp port $PP"; td2=$last
  for _ in $(seq 1 40); do grep -q listening "$T/tcpdump-ratls.err" && grep -q listening "$T/tcpdump-plain.err" && break; sleep 0.25; done
  for path in /index.html /1k.bin /1m.bin; do
    got=$(fetch "http://127.0.0.1:$PP$path" "$T/proxied.body")
    if [ "${got%% *}" = 200 ] && cmp -s "$T/proxied.body" "$T/site$path"; then ok "GET $path through the proxy over RA-TLS: the backend's bytes ($got)"; else echo "$got" > "$T/diff"; bad "GET $path through the proxy over RA-TLS" "$T/diff"; fi
  done
  got=$(fetch "http://127.0.0.1:$PP/nope" "$T/proxied.body")
  [ "${got%% *}" = 404 ] && ok "GET /nope through the proxy: the backend's 404" || { echo "$got" > "$T/diff"; bad "404 through the proxy" "$T/diff"; }
  sleep 1; kill -INT "$td1" "$td2"; wait "$td1" "$td2" 2>/dev/null
  python3 "$HERE/hostile.py" pcap "$T/ratls.pcap" "$MARKER" "$T/site/1m.bin" > "$T/pcap-ratls.out"
  python3 "$HERE/hostile.py" pcap "$T/plain.pcap" "$MARKER" "$T/site/1m.bin" > "$T/pcap-plain.out"
  cat "$T/pcap-ratls.out" "$T/pcap-plain.out" > "$T/diff"
  big=$(stat -c %s "$T/ratls.pcap")
  if grep -q "plaintext: no" "$T/pcap-ratls.out" && grep -q "plaintext: yes" "$T/pcap-plain.out" && [ "$big" -gt 1048576 ]; then
    ok "capture between the instances ($big bytes on port $PB): no plaintext (the same capture of the proxy's plain port has it)"
  else
    bad "capture between the instances holds no plaintext" "$T/diff"
  fi
  "$ARCA" run --manifest "$T/impostor.json" > "$T/impostor.out" 2> "$T/impostor.err"
  { cat "$T/impostor.out"; grep "refused" "$T/backend.err"; } > "$T/diff"
  if ! grep -q "^status:" "$T/impostor.out" && grep -Eq "ECONNRESET|EACCES" "$T/impostor.out" && grep -q "measurement $MI is not allowed" "$T/backend.err"; then
    ok "an impostor (another program, measurement ${MI:0:12}…) is refused by the backend: $(paste -sd' ' "$T/impostor.out")"
  else
    bad "an impostor is refused by the backend" "$T/diff"
  fi
  # the same program under the proxy's manifest (which the backend allows): what runs is measured
  MX=$(m_program "$T/proxy.json" "$T/httpget.wasm")
  "$ARCA" run --manifest "$T/proxy.json" "$T/httpget.wasm" 127.0.0.1 "$PB" /index.html > "$T/borrower.out" 2> "$T/borrower.err"
  { cat "$T/borrower.out"; grep "refused" "$T/backend.err"; } > "$T/diff"
  if ! grep -q "^status:" "$T/borrower.out" && grep -q "measurement $MX is not allowed" "$T/backend.err" && [ "$MX" != "$MP" ]; then
    ok "another program run under the proxy's manifest is measured as itself and refused: $(paste -sd' ' "$T/borrower.out")"
  else
    bad "another program run under the proxy's manifest is refused" "$T/diff"
  fi
  b_base=$(sockets_of "$b_pid")
  check "garbage, plaintext, TLS without a client certificate and a TLS 1.2 downgrade on the RA-TLS port get no plaintext" \
    python3 "$HERE/hostile.py" badclients "$PB" "$MARKER"
  got=$(fetch "http://127.0.0.1:$PP/1k.bin" "$T/proxied.body")
  [ "${got%% *}" = 200 ] && ok "the backend still serves the proxy afterwards" || bad "the backend still serves the proxy afterwards"
  n=$(settle_sockets "$b_pid" "$b_base")
  [ "$n" -le "$b_base" ] && ok "the backend holds no host socket more than before the bad clients ($n)" || bad "the backend keeps $n host sockets (before: $b_base)"
else
  bad "backend and proxy started" "$T/backend.err"; cat "$T/proxy.err"
fi

echo "=== hostile clients against lighttpd in Arca"
la_base=$(sockets_of "$la_pid")
check "port scan: the instances answer only on their policy ports" \
  python3 "$HERE/hostile.py" scan "$la_pid" "$LA"
[ "$(python3 -c 'import subprocess,sys; o=subprocess.run(["ss","-ltnpH"],capture_output=True,text=True).stdout; print(sorted({int(l.split()[3].rsplit(":",1)[1]) for l in o.splitlines() if "pid="+sys.argv[1]+"," in l}))' "$b_pid")" = "[$PB]" ] \
  && ok "the backend listens on its RA-TLS port only" || bad "the backend listens on its RA-TLS port only"
check "slowloris: 1,000 half-open connections, and curl still gets answers" \
  python3 "$HERE/hostile.py" slowloris "$LA" 1000 "http://127.0.0.1:$LA/1k.bin"
check "a client that sends pipelined requests for a GiB and never reads is held back; others are served" \
  python3 "$HERE/hostile.py" flood "$LA" "http://127.0.0.1:$LA/1k.bin" 30
n=$(settle_sockets "$la_pid" "$la_base")
[ "$n" -le "$la_base" ] && ok "lighttpd's instance holds no host socket more than before the attacks ($n)" || bad "lighttpd's instance keeps $n host sockets (before: $la_base)"

echo "=== after everything"
alive=1
for p in "$la_pid" "$b_pid" "$p_pid"; do kill -0 "$p" 2>/dev/null || alive=0; done
[ "$alive" = 1 ] && ok "every Arca instance is still running" || bad "an Arca instance ended" "$T/lighttpd-arca.err"
if grep -lE 'Exception|^[[:space:]]+at [a-zA-Z]' "$T"/*.err > "$T/traces" 2>/dev/null; then bad "no Java stack trace in any instance's output" "$T/traces"; else ok "no Java stack trace in any instance's output"; fi
if ls "$T"/hs_err_pid* >/dev/null 2>&1; then bad "no JVM crash report"; else ok "no JVM crash report"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
