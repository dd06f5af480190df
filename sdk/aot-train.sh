#!/usr/bin/env bash
# Makes a JDK AOT cache for the Arca CLI (JEP 483/514/515): one training run records the classes
# that start-up loads and links (and early method profiles), so later runs start from them.
# The training program is a minimal WASI module written out here byte for byte (it prints
# "arca"); it runs once with a cold and once with a warm compiled-module cache, so both start-up
# paths are recorded. With WHAT "volume", also on an encrypted volume with 32 MiB written and read
# (encfs and AES-GCM, with their method profiles); with "cluster", that and a one-node cluster
# asked for its status (the classes of Ratis, gRPC and RA-TLS: node start and every cluster and
# service command). A JVM loads every class of its cache as it starts: the cluster's 5,000
# classes would cost every 'arca run' about 60 ms, and the volume's training (and picocli's, for
# --version) a warm hello world 10% (bench/ab.sh 15, 2026-12-05: 1.10x; cold 1.02x; --version
# and --help 2-5% slower without picocli's classes): ./arca picks one of the three caches by
# command and options.
# Usage: aot-train.sh JAVA JAR OUT [volume|cluster]  (JVM flags must match ./arca's)
set -euo pipefail
JAVA=$1 JAR=$2 OUT=$3 WHAT=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tr -d '\n' <<'HEX' | perl -ne 'print pack("H*", $_)' > "$work/train.wasm"
0061736d0100000001100360047f7f7f7f017f60017f0060000002460216776173695f736e617073686f745f70726576
696577310866645f7772697465000016776173695f736e617073686f745f70726576696577310970726f635f65786974
0001030201020503010001071302066d656d6f72790200065f737461727400020a13011100410141004101410810001a
410010010b0b18020041000b0810000000050000000041100b05617263610a
HEX
# the spawn program (sdk/aot-train-spawn.wat, assembled with wabt's wat2wasm): 64 spawns of
# itself, each waited for, so that the spawn path is in the cache with its profiles
mkdir "$work/t"
tr -d '\n' <<'HEX' | perl -ne 'print pack("H*", $_)' > "$work/t/spawn.wasm"
0061736d0100000001240560047f7f7f7f017f60017f0060027f7f017f600a7f7f7f7f7f7f7f7f7f7f017f6000000291
010516776173695f736e617073686f745f70726576696577310866645f7772697465000016776173695f736e61707368
6f745f70726576696577310970726f635f65786974000116776173695f736e617073686f745f70726576696577310e61
7267735f73697a65735f676574000204617263610a70726f635f737061776e000304617263610970726f635f77616974
0000030201040503010001071302066d656d6f72790200065f737461727400050a7b017901017f41f00041f40010021a
41f00028020041014b0440410010010b02400340200041c0004f0d014120410d41c00041114100410041004100417f41
e00010030440410110010b41e000280200410041e40041e80010040440410110010b200041016a21000c000b0b410141
004101410810001a410010010b0b41040041000b0810000000050000000041100b05617263610a0041200b0d2f742f73
7061776e2e7761736d0041c0000b11737061776e2e7761736d006368696c6400
HEX
# the sim evidence of the training's one-node cluster is made in a config directory of its own
ARCA_CONFIG_DIR="$work/config" "$JAVA" -XX:+UseSerialGC -Xss16m -XX:-UsePerfData --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -XX:AOTCacheOutput="$OUT" -Xlog:aot=error -Xlog:cds=error \
  -cp "$JAR" dev.arca.cli.AotTraining "$work/train.wasm" "$work/cache" $WHAT > /dev/null
