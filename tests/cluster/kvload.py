#!/usr/bin/env python3
"""A key-value workload for tests/cluster/kv.c run as a cluster service, recording its history for
Arca's linearizability checker (KvHistory's format: one JSON object per operation).

    kvload.py OUT SECONDS PORT ADDR [ADDR...]

Several clients at once, each a thread: every operation is a fresh TCP connection to one of the
nodes' addresses (the service's published port, forwarded to wherever it runs), a get or a put of
a few shared keys. A call that could not connect had no effect and is left out; a call sent but not
answered (timeout, reset, an "error" answer) is pending: it may or may not have taken effect, and
the client goes on under a new number, as the checker requires. Prints one summary line."""
import json, random, socket, sys, threading, time

out, seconds, port, addrs = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
CLIENTS, KEYS = 4, ["lin%d" % i for i in range(6)]  # keys no other case of the test writes: the history starts from absent keys
lock = threading.Lock()
history, counts = [], {"ok": 0, "pending": 0, "refused": 0}
next_client = [CLIENTS]


def new_client():
    with lock:
        next_client[0] += 1
        return next_client[0]


def call(addr, line):
    """The answer line; None when sent but unanswered; raises ConnectionRefusedError etc. before sending."""
    s = socket.create_connection((addr, port), timeout=2)
    try:
        s.settimeout(5)
        greeting = b""
        while not greeting.endswith(b"\n"):  # no greeting: nothing was sent, the call had no effect
            chunk = s.recv(16)
            if not chunk:
                raise ConnectionResetError("no greeting")
            greeting += chunk
        s.sendall(line.encode() + b"\n")
        data = b""
        try:
            while not data.endswith(b"\n"):
                chunk = s.recv(256)
                if not chunk:
                    return None
                data += chunk
        except OSError:
            return None
        return data.decode().strip()
    finally:
        s.close()


def client(cid, seed):
    rnd = random.Random(seed)
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        key = rnd.choice(KEYS)
        put = rnd.random() < 0.5
        n += 1
        value = "c%d-%d" % (cid, n)
        op = {"client": cid, "op": "put" if put else "get", "key": key}
        if put:
            op["value"] = value
        start = time.monotonic_ns()
        try:
            answer = call(rnd.choice(addrs), ("put %s %s" % (key, value)) if put else ("get %s" % key))
        except OSError:
            with lock:
                counts["refused"] += 1
            time.sleep(0.05)
            continue  # never sent: no effect
        end_ns = time.monotonic_ns()
        op["call"] = start
        if answer is None or answer == "error" or (put and answer != "ok") or (not put and not (answer == "none" or answer.startswith("value "))):
            op["return"] = None  # pending: the outcome is unknown
            cid = new_client()
            with lock:
                counts["pending"] += 1
            time.sleep(0.2)
        else:
            op["return"] = end_ns
            op["result"] = "ok" if put else (None if answer == "none" else answer[6:])
            with lock:
                counts["ok"] += 1
        with lock:
            history.append(op)


threads = [threading.Thread(target=client, args=(c, 1000 + c)) for c in range(CLIENTS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
with open(out, "w") as f:
    for op in history:
        f.write(json.dumps(op) + "\n")
print("kvload: %d operations answered, %d pending, %d not sent (refused)" % (counts["ok"], counts["pending"], counts["refused"]))
