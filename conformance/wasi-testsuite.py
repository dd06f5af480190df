#!/usr/bin/env python3
"""Runs the WebAssembly wasi-testsuite (wasm32-wasip1 suites) against `arca run`.

Usage: conformance/wasi-testsuite.sh PATH [--arca CMD] [--jobs N] [--filter SUBSTRING]
PATH is a checkout of WebAssembly/wasi-testsuite, branch prod/testsuite-base (not committed here).
Each test's JSON spec gives args, env, a directory to preopen as "/", the expected exit code and
stdout; the runner follows the suite's doc/specification.md. Prints PASS/FAIL per test and a
total line "N passed, M failed".
"""
import argparse
import concurrent.futures
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

SUITES = ["tests/assemblyscript/testsuite/wasm32-wasip1",
          "tests/c/testsuite/wasm32-wasip1",
          "tests/rust/testsuite/wasm32-wasip1"]


def spec_for(wasm: Path) -> dict:
    cfg = wasm.with_suffix(".json")
    raw = json.loads(cfg.read_text()) if cfg.exists() else {}
    if "operations" not in raw:
        ops = [{"type": "run", "args": raw.get("args", []), "env": raw.get("env", {}), "root": raw.get("root")},
               {"type": "wait", "exit_code": raw.get("exit_code", 0)}]
        if "stdout" in raw:
            ops.append({"type": "read", "id": "stdout", "payload": raw["stdout"]})
        if "stderr" in raw:
            ops.append({"type": "read", "id": "stderr", "payload": raw["stderr"]})
        raw = {"operations": ops}
    return raw


def clean(directory: Path):
    for p in list(directory.rglob("*.cleanup")):
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            try:
                p.unlink()
            except FileNotFoundError:
                pass


def run_one(arca: list, wasm: Path, timeout: float):
    spec = spec_for(wasm)
    ops = spec["operations"]
    if spec.get("proposals"):
        return wasm, False, "needs proposals %s" % spec["proposals"]
    run = next(o for o in ops if o["type"] == "run")
    argv = list(arca) + ["run"]
    for k, v in (run.get("env") or {}).items():
        argv += ["--env", "%s=%s" % (k, v)]
    if run.get("root"):
        argv += ["--dir", "%s::/" % (wasm.parent / run["root"])]
    argv += [str(wasm)] + list(run.get("args") or [])
    clean(wasm.parent)
    try:
        p = subprocess.run(argv, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL, cwd=wasm.parent)
    except subprocess.TimeoutExpired:
        return wasm, False, "timed out after %ss" % timeout
    finally:
        clean(wasm.parent)
    problems = []
    for o in ops:
        if o["type"] == "wait" and p.returncode != o.get("exit_code", 0):
            problems.append("exit code %d, expected %d" % (p.returncode, o.get("exit_code", 0)))
        if o["type"] == "read":
            got = (p.stdout if o.get("id", "stdout") == "stdout" else p.stderr).decode("utf-8", "replace")
            if got != o.get("payload", ""):
                problems.append("%s %r, expected %r" % (o.get("id", "stdout"), got[:200], o.get("payload", "")[:200]))
    if problems:
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()
        problems.append("stderr: " + " | ".join(err[-4:]))
    return wasm, not problems, "; ".join(problems)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--arca", default=str(Path(__file__).resolve().parent.parent / "arca"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--filter", default="")
    ap.add_argument("--timeout", type=float, default=120)
    a = ap.parse_args()
    tests = []
    for s in SUITES:
        d = a.path / s
        if not d.is_dir():
            sys.exit("wasi-testsuite: %s not found (is PATH a checkout of branch prod/testsuite-base?)" % d)
        tests += sorted(t for t in d.glob("*.wasm") if a.filter in str(t))
    arca = shlex.split(a.arca)
    passed = failed = 0
    # the first run may build Arca: do it before starting parallel jobs
    subprocess.run(arca + ["--version"], capture_output=True)
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
        # tests of one suite share a directory tree: run each suite's tests one at a time
        by_dir = {}
        for t in tests:
            by_dir.setdefault(t.parent, []).append(t)
        futures = [ex.submit(lambda ts: [run_one(arca, t, a.timeout) for t in ts], ts) for ts in by_dir.values()]
        results = [r for f in futures for r in f.result()]
    for wasm, ok, why in sorted(results, key=lambda r: str(r[0])):
        name = "%s/%s" % (wasm.parent.parent.parent.name, wasm.stem)
        if ok:
            passed += 1
            print("PASS %s" % name)
        else:
            failed += 1
            print("FAIL %s: %s" % (name, why))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
