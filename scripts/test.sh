#!/usr/bin/env bash
# Runs Parley's whole test suite from a fresh clone, installing what the tests need first: Java and Maven, the
# node's engines, flite, which makes the tests' speech, redis-server, which the Redis store's tests start, and
# Chromium with its driver for the browser tests, and openssl, which makes the TLS test's certificate.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_build_tools
bash scripts/install-engines.sh flite redis-server
apt_install chromium chromium-driver openssl
mvn -B -ntp install "$@"
