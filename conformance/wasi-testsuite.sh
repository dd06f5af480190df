#!/usr/bin/env bash
# Runs the wasi-testsuite against Arca. Usage: conformance/wasi-testsuite.sh PATH [options]
# PATH: a checkout of https://github.com/WebAssembly/wasi-testsuite at branch prod/testsuite-base.
exec python3 "$(dirname "$0")/wasi-testsuite.py" "$@"
