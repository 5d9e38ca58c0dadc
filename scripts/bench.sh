#!/usr/bin/env bash
# Builds capif-ccf and the benchmark (preset "default", ./build) and runs it; arguments go to ccf_bench,
# e.g. scripts/bench.sh --seconds 3 --connections 8 --apis 1000,10000 --json bench.json
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset default >/dev/null
cmake --build --preset default --target ccf_bench capif-ccf
exec ./build/tests/ccf_bench "$@"
