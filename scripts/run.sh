#!/usr/bin/env bash
# Starts Parley on this machine: installs the engines and builds what is missing, then runs a scheduler with a local
# node.
# Extra arguments go to parley.jar, e.g. scripts/run.sh --port 9090
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
bash scripts/install-engines.sh
ensure_jar
port=8080
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [ "${args[$i]}" = "--port" ] && port="${args[$((i + 1))]}"
done
echo "Parley: browsers connect to ws://localhost:${port}/ws/session, nodes to ws://localhost:${port}/ws/node"
exec java --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
  -XX:+UseParallelGC -jar verticles/target/parley.jar all "$@"
