#!/usr/bin/env bash
# The main job: installs what is missing, builds, and starts a CCF on 127.0.0.1:8443 with the
# embedded default configuration (data and PKI in ./data/ccf, created on first start).
# Pass --config FILE to use another configuration, e.g. config/ccf-a.yaml.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh --target capif-ccf
exec ./build/capif-ccf "$@"
