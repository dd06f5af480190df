#!/usr/bin/env bash
# Times two commands alternately, each as a whole process, and prints the median wall time of
# each and their ratio: for comparing two builds (or two flags) on this noisy shared machine,
# where only runs taken in turns compare.
# Usage: bench/ab.sh RUNS -- COMMAND_A... -- COMMAND_B...
# e.g.   bench/ab.sh 12 -- /tmp/old/arca run hello.wasm -- ./arca run hello.wasm
set -euo pipefail
[ $# -ge 4 ] && [ "$2" = -- ] || { echo "usage: bench/ab.sh RUNS -- COMMAND_A... -- COMMAND_B..." >&2; exit 2; }
runs=$1; shift 2
a=(); while [ $# -gt 0 ] && [ "$1" != -- ]; do a+=("$1"); shift; done
[ $# -gt 1 ] || { echo "bench/ab.sh: no COMMAND_B (after a second --)" >&2; exit 2; }
shift; b=("$@")
ta=(); tb=()
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || { echo "bench/ab.sh: failed: $*" >&2; exit 1; }; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
for _ in $(seq "$runs"); do ta+=("$(ms "${a[@]}")"); tb+=("$(ms "${b[@]}")"); done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
ma=$(median "${ta[@]}"); mb=$(median "${tb[@]}")
echo "A: ${a[*]}: median $ma ms (runs: ${ta[*]})"
echo "B: ${b[*]}: median $mb ms (runs: ${tb[*]})"
awk -v a="$ma" -v b="$mb" 'BEGIN {printf "A/B %.2f\n", a / b}'
