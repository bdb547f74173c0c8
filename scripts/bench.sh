#!/usr/bin/env bash
# Benchmarks Parley: simulated browsers and nodes against a scheduler started for the run; prints one JSON line.
# Options go to `parley.jar bench` (see --help there), e.g. scripts/bench.sh --sessions 1000 --nodes 50 --duration 30
# scripts/bench.sh --store redis [--instances 2] puts the state in a redis-server (two clustered instances:
# browsers on one, nodes on the other) and counts Redis commands per job.
# scripts/bench.sh --node [--sessions-list 1,2,4] [--sentences N] benchmarks a real node with its engines instead.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_jar
# --store redis runs a redis-server of its own
command -v redis-server >/dev/null 2>&1 || apt_install redis-server
# the scheduler's one line per job state change costs more than some of what is measured; set it to INFO to count it
export PARLEY_JOB_LOG_LEVEL="${PARLEY_JOB_LOG_LEVEL:-WARN}"
exec java -XX:+UseParallelGC -Xmx1g --add-opens java.base/java.lang=ALL-UNNAMED \
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED -jar verticles/target/parley.jar bench "$@"
