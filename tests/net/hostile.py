#!/usr/bin/env python3
"""Hostile network clients for tests/net/run.sh. Each subcommand prints facts, one a line, and
exits 0 when what it checks holds, 1 otherwise (with the reason on stdout).

  scan PID PORT...          connect-scan every TCP port of 127.0.0.1; the ports that answer and
                            belong to process PID (ss -ltnp) must be exactly PORT...
  slowloris PORT N URL      hold N connections that each sent half a request header, while
                            fetching URL again and again; every fetch must succeed
  flood PORT URL SECONDS    send pipelined requests for up to 1 GiB without reading a byte of
                            the answers; the server must stop taking them (backpressure), and
                            fetches of URL on other connections must succeed meanwhile
  badclients PORT MARKER    garbage, plaintext HTTP, TLS without a client certificate and a TLS
                            1.2 downgrade against an RA-TLS port: none may get a byte of plaintext
                            (MARKER, or an HTTP status line) back
  pcap FILE MARKER DATA     whether FILE (a capture) holds MARKER or any 32-byte slice of DATA
                            (prints "plaintext: yes|no"; exit 0 either way)
"""
import os
import random
import select
import socket
import ssl
import subprocess
import sys
import time
import urllib.request


def fetch(url, timeout=20):
    t = time.monotonic()
    with urllib.request.urlopen(url, timeout=timeout) as r:
        body = r.read()
        return r.status, len(body), time.monotonic() - t


def listening_ports_of(pid):
    out = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True, check=True).stdout
    ports = set()
    for line in out.splitlines():
        if f"pid={pid}," in line:
            local = line.split()[3]
            ports.add(int(local.rsplit(":", 1)[1]))
    return ports


def scan(pid, expected):
    """Non-blocking connects to all 65535 ports, 2000 at a time."""
    open_ports = set()
    ports = list(range(1, 65536))
    for i in range(0, len(ports), 2000):
        pending = {}
        poller = select.poll()
        for p in ports[i:i + 2000]:
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", p))
            pending[s.fileno()] = (s, p)
            poller.register(s, select.POLLOUT)
        deadline = time.monotonic() + 2
        while pending and time.monotonic() < deadline:
            for fd, _ in poller.poll(200):
                s, p = pending.pop(fd)
                poller.unregister(fd)
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                    open_ports.add(p)
                s.close()
        for s, _ in pending.values():
            s.close()
    owned = listening_ports_of(pid)
    answered = sorted(p for p in open_ports if p in owned)
    print(f"ports answering on 127.0.0.1: {len(open_ports)}; of the instance: {answered}")
    if set(answered) != set(expected) or owned != set(expected):
        print(f"FAIL: the instance listens on {sorted(owned)}, the policy allows {sorted(expected)}")
        return 1
    return 0


def slowloris(port, n, url):
    held = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET / HTTP/1.1\r\nHost: slow\r\nX-Slow: ")  # never finished
        held.append(s)
    print(f"holding {len(held)} half-open connections")
    worst, ok = 0.0, 0
    for _ in range(20):
        try:
            status, size, took = fetch(url)
            worst = max(worst, took)
            ok += status == 200
        except Exception as e:  # noqa: BLE001 - any failure is the finding
            print(f"FAIL: fetch while held: {e}")
            return 1
    alive = 0
    for s in held:  # still open and unanswered: the server waits for the rest of the header
        s.setblocking(False)
        try:
            s.recv(1)  # b"" (closed) or an answer: not held any more
        except BlockingIOError:
            alive += 1
        except OSError:
            pass
        s.close()
    print(f"fetches during the attack: {ok}/20 answered 200, slowest {worst:.2f} s; half-open still open: {alive}")
    return 0 if ok == 20 else 1


def flood(port, url, seconds):
    s = socket.create_connection(("127.0.0.1", port))
    s.setblocking(False)
    req = b"GET /1m.bin HTTP/1.1\r\nHost: flood\r\n\r\n" * 64
    sent, stalled_since, start = 0, None, time.monotonic()
    goal = 1 << 30
    fetches = []
    next_fetch = start + 1
    while sent < goal and time.monotonic() - start < seconds:
        _, w, _ = select.select([], [s], [], 0.1)
        if w:
            try:
                sent += s.send(req)
                stalled_since = None
            except BlockingIOError:
                pass
            except OSError as e:
                print(f"the server closed the flooding connection after {sent} bytes: {e}")
                break
        elif stalled_since is None:
            stalled_since = time.monotonic()
        if time.monotonic() >= next_fetch:
            next_fetch += 1
            try:
                fetches.append(fetch(url)[0])
            except Exception as e:  # noqa: BLE001
                print(f"FAIL: fetch during the flood: {e}")
                return 1
        if stalled_since is not None and time.monotonic() - stalled_since > 3 and len(fetches) >= 3:
            break  # the server stopped taking requests: backpressure reached the sender
    s.close()
    print(f"sent {sent >> 20} MiB of requests without reading in {time.monotonic() - start:.1f} s; "
          f"fetches meanwhile: {fetches.count(200)}/{len(fetches)} answered 200")
    if sent >= goal:
        print("FAIL: the server took a whole GiB it could not answer (no backpressure)")
        return 1
    return 0 if fetches and fetches.count(200) == len(fetches) else 1


def recv_all(s, limit=1 << 20):
    got = b""
    try:
        while len(got) < limit:
            b = s.recv(65536)
            if not b:
                break
            got += b
    except (OSError, ssl.SSLError) as e:
        return got, type(e).__name__
    return got, "EOF"


def leaked(got, marker):
    return marker.encode() in got or b"HTTP/1." in got


def badclients(port, marker):
    failures = 0
    # 1. plaintext HTTP
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    s.sendall(b"GET /index.html HTTP/1.0\r\nHost: x\r\n\r\n")
    got, end = recv_all(s)
    s.close()
    print(f"plaintext HTTP: {len(got)} bytes back, then {end}; plaintext leaked: {leaked(got, marker)}")
    failures += leaked(got, marker)
    # 2. garbage
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    try:
        s.sendall(random.Random(9).randbytes(65536))
    except OSError:
        pass
    got, end = recv_all(s)
    s.close()
    print(f"64 KiB of garbage: {len(got)} bytes back, then {end}; plaintext leaked: {leaked(got, marker)}")
    failures += leaked(got, marker)
    # 3. TLS 1.3 without a client certificate (and trusting anything)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    got, end = b"", ""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
            with ctx.wrap_socket(raw) as t:
                t.sendall(b"GET /index.html HTTP/1.0\r\nHost: x\r\n\r\n")
                got, end = recv_all(t)
    except (OSError, ssl.SSLError) as e:
        end = f"handshake: {type(e).__name__}"
    print(f"TLS without a client certificate: {len(got)} bytes back, then {end}; plaintext leaked: {leaked(got, marker)}")
    failures += leaked(got, marker)
    # 4. downgrade: TLS 1.2 at most
    ctx2 = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx2.check_hostname = False
    ctx2.verify_mode = ssl.CERT_NONE
    ctx2.maximum_version = ssl.TLSVersion.TLSv1_2
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
            with ctx2.wrap_socket(raw) as t:
                print(f"FAIL: a TLS 1.2 handshake succeeded ({t.version()})")
                failures += 1
    except (OSError, ssl.SSLError) as e:
        print(f"TLS 1.2 downgrade: refused in the handshake ({type(e).__name__})")
    return 1 if failures else 0


def pcap(path, marker, data_path):
    cap = open(path, "rb").read()
    data = open(data_path, "rb").read()
    hit = marker.encode() in cap
    for off in range(0, len(data) - 32, 4096):
        if data[off:off + 32] in cap:
            hit = True
            break
    print(f"capture: {len(cap)} bytes; plaintext: {'yes' if hit else 'no'}")
    return 0


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "scan":
        return scan(int(args[0]), [int(p) for p in args[1:]])
    if cmd == "slowloris":
        return slowloris(int(args[0]), int(args[1]), args[2])
    if cmd == "flood":
        return flood(int(args[0]), args[1], float(args[2]))
    if cmd == "badclients":
        return badclients(int(args[0]), args[1])
    if cmd == "pcap":
        return pcap(args[0], args[1], args[2])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
