#!/usr/bin/env bash
# Builds a benchmark and what it runs (preset "default", ./build) and runs it.
#   scripts/bench.sh [ccf_bench args]           the CCF registry (default), e.g. --seconds 3 --json bench.json
#   scripts/bench.sh gateway [gateway_bench args]  capif-aef gateway vs direct upstream, CCF token issuance
#   scripts/bench.sh interconnect [interconnect_bench args]  CAPIF-6 forwarding: local vs remote AEF
#   scripts/bench.sh events [events_bench args]    event notifications: 1 and 100 subscriptions, dead callbacks
#   scripts/bench.sh schema [schema_bench args]    request-body validation against the TS 29.222 schemas
set -euo pipefail
cd "$(dirname "$0")/.."
bench=ccf_bench
targets=(ccf_bench capif-ccf)
if [[ "${1:-}" == "gateway" ]]; then
  shift
  bench=gateway_bench
  targets=(gateway_bench capif-ccf capif-aef capif-invoker)
elif [[ "${1:-}" == "interconnect" ]]; then
  shift
  bench=interconnect_bench
  targets=(interconnect_bench capif-ccf)
elif [[ "${1:-}" == "schema" ]]; then
  shift
  bench=schema_bench
  targets=(schema_bench)
elif [[ "${1:-}" == "events" ]]; then
  shift
  bench=events_bench
  targets=(events_bench capif-ccf)
fi
cmake --preset default >/dev/null
cmake --build --preset default --target "${targets[@]}"
exec "./build/tests/${bench}" "$@"
