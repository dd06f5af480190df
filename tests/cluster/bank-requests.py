"""The fixed request sequence of tests/cluster/bank.sh against one ledger (demo/bank.c) on
127.0.0.1:PORT, over raw sockets so that the hostile cases are exact.

    python3 bank-requests.py PORT

Prints, per case, "== NAME: STATUS" and the whole response (status line, headers, body); run
against two servers the outputs must be equal byte for byte. Exit status 1 if a server stopped
answering.
"""
import socket
import sys
import time

PORT = int(sys.argv[1])


def connect():
    return socket.create_connection(("127.0.0.1", PORT), timeout=20)


def response(s):
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk


def exchange(payload, pieces=1, pause=0.0):
    """Sends PAYLOAD (in PIECES with PAUSE seconds between them), reads until the server closes."""
    with connect() as s:
        step = max(1, -(-len(payload) // pieces))
        for i in range(0, len(payload), step):
            s.sendall(payload[i:i + step])
            if pause:
                time.sleep(pause)
        return response(s)


def post(body, extra=b""):
    body = body.encode() if isinstance(body, str) else body
    return b"POST /transfer HTTP/1.0\r\nHost: bank\r\nContent-Type: application/x-www-form-urlencoded\r\n" + extra + \
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body


def get(path):
    return b"GET " + path.encode() + b" HTTP/1.0\r\nHost: bank\r\n\r\n"


def transfer(id, frm, to, amount):
    return post("id=%s&from=%s&to=%s&amount=%s" % (id, frm, to, amount))


out = sys.stdout.buffer


def case(name, resp):
    status = resp.split(b" ", 2)[1].decode() if resp.startswith(b"HTTP/1.0 ") else "none"
    out.write(b"== " + name.encode() + b": " + status.encode() + b"\n" + resp + b"\n")
    out.flush()


case("balances at the start", exchange(get("/balances")))
case("transfer t-1 alice->bob 100", exchange(transfer("t-1", "alice", "bob", 100)))
case("t-1 again (applied once)", exchange(transfer("t-1", "alice", "bob", 100)))
case("t-1 again, sent byte by byte", exchange(transfer("t-1", "alice", "bob", 100), pieces=40, pause=0.01))
case("t-2 insufficient funds", exchange(transfer("t-2", "alice", "bob", 5000000)))
case("t-3 unknown account", exchange(transfer("t-3", "alice", "mallory", 1)))
case("t-3 negative amount", exchange(transfer("t-3", "alice", "bob", -5)))
case("t-3 zero amount", exchange(transfer("t-3", "alice", "bob", 0)))
case("t-3 non-numeric amount", exchange(transfer("t-3", "alice", "bob", "12abc")))
case("t-3 fractional amount", exchange(transfer("t-3", "alice", "bob", "1.5")))
case("t-3 amount of 20 digits", exchange(transfer("t-3", "alice", "bob", "9" * 20)))
case("t-3 empty amount", exchange(transfer("t-3", "alice", "bob", "")))
case("t-3 to itself", exchange(transfer("t-3", "alice", "alice", 1)))
case("t-3 id with a quote", exchange(transfer("t'3", "alice", "bob", 1)))
case("body without the amount", exchange(post("id=t-3&from=alice&to=bob")))
case("body with a key twice", exchange(post("id=t-3&from=alice&to=bob&amount=1&amount=2")))
case("body with another key", exchange(post("id=t-3&from=alice&to=bob&amount=1&x=1")))
case("body that is not a form", exchange(post("garbage")))
case("POST without Content-Length", exchange(b"POST /transfer HTTP/1.0\r\n\r\nid=t-3&from=alice&to=bob&amount=1"))
case("Content-Length not a number", exchange(post("id=t-3&from=alice&to=bob&amount=1").replace(b"Content-Length: 33", b"Content-Length: x")))
case("chunked body", exchange(b"POST /transfer HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"))
case("malformed request line", exchange(b"HELLO\r\n\r\n"))
case("binary garbage", exchange(b"\x00\x01\x02GET /balances HTTP/1.0\r\n\r\n"))
case("unknown path", exchange(get("/admin")))
case("oversize head (8 KiB header)", exchange(b"GET /balances HTTP/1.0\r\nX-Pad: " + b"a" * 8192 + b"\r\n\r\n"))
case("oversize body (Content-Length 100000)", exchange(b"POST /transfer HTTP/1.0\r\nContent-Length: 100000\r\n\r\nid="))

# a client that connects and closes without sending; one that vanishes mid-request; one that
# holds half a request while another is served (the server must not wait for it)
connect().close()
with connect() as s:
    s.sendall(b"POST /transfer HTTP/1.0\r\nContent-Length: 40\r\n\r\nid=t-9")
held = connect()
held.sendall(b"POST /transfer HTTP/1.0\r\nContent-Le")
case("served while another client holds half a request", exchange(transfer("t-4", "bob", "carol", 250)))
rest = b"id=t-5&from=carol&to=dave&amount=75"
held.sendall(b"ngth: " + str(len(rest)).encode() + b"\r\n\r\n" + rest)
case("the held request completed", response(held))
held.close()

case("t-1 present", exchange(get("/transfer?id=t-1")))
case("t-2 absent (refused)", exchange(get("/transfer?id=t-2")))
case("t-9 absent (client vanished)", exchange(get("/transfer?id=t-9")))
case("bad id in a lookup", exchange(get("/transfer?id=%27")))
case("balances at the end", exchange(get("/balances")))
