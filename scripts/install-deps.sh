#!/usr/bin/env bash
# Installs the Debian 12 packages the project builds and tests with. Idempotent; needs root (or sudo).
set -euo pipefail
PKGS=(build-essential cmake ninja-build ccache pkg-config git openssl curl
      libboost1.81-dev libboost-url1.81-dev libssl-dev nlohmann-json3-dev
      libspdlog-dev libyaml-cpp-dev libsqlite3-dev libgtest-dev libgmock-dev
      iproute2 jq busybox docker-compose)
# iproute2, jq, busybox: scripts/lab (network namespaces, JSON, the demo upstream).
# docker-compose: CI validates docker/compose.yaml with `docker-compose config`; it needs no Docker engine.
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
