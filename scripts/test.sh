#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test (CTest labels unit, integration, security, events).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --preset default -j2 "$@"
