#!/usr/bin/env bash
# run.sh - the C++ tests: each tests/cxx/*.cpp is built with g++ natively and with `arca c++`, run
# both ways, and its stdout and exit status compared (tests/c/run.sh's mechanism, with the C++
# compilers), on Arca's compiler and on Chicory (`--engine chicory`).
#   tests/cxx/run.sh [NAME...]
# Sidecar files as for tests/c (NAME.stdin, NAME.args, ...; NAME.stderr: a regex the wasm side's
# first stderr line must match). Ends with "N passed, M failed".
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
export TESTS_DIR="$HERE" TEST_EXT=cpp TEST_CFLAGS="-std=c++20"
export CC=${CXX:-g++} WASM_CC="$REPO/arca c++"
export BUILD_DIR=${BUILD_DIR:-$REPO/target/cxxtests}
export ARCA_ENGINES=${ARCA_ENGINES:-default chicory}
exec "$REPO/tests/c/run.sh" "$@"
