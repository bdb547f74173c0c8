#!/usr/bin/env bash
# Runs Parley's whole test suite from a fresh clone, installing what the tests need first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_build_tools
mvn -B -ntp install "$@"
