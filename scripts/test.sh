#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test (CTest labels unit and integration).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --preset default -j2 "$@"
