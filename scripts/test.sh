#!/usr/bin/env bash
# Runs Parley's whole test suite from a fresh clone, installing what the tests need first: Java and Maven, the
# node's engines, flite, which makes the tests' speech, and redis-server, which the Redis store's tests start.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_build_tools
bash scripts/install-engines.sh flite redis-server
mvn -B -ntp install "$@"
