#!/usr/bin/env bash
# Starts Parley on this machine: installs the engines and builds what is missing, then runs a scheduler with a local
# node, and prints the browser client's address once it answers.
# Extra arguments go to parley.jar, e.g. scripts/run.sh --port 9090
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
bash scripts/install-engines.sh
ensure_jar

# The port, as parley.jar reads it: the environment, then --port or --set server.port=N.
port="${PARLEY_SERVER_PORT:-8080}"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --port) port="${args[$((i + 1))]:-$port}" ;;
    --set) [[ "${args[$((i + 1))]:-}" == server.port=* ]] && port="${args[$((i + 1))]#server.port=}" ;;
  esac
done

"${PARLEY_JAVA[@]}" all "$@" &
pid=$!
# a script's background job ignores Ctrl-C, so the signal is passed on
trap 'kill -TERM "$pid" 2>/dev/null' INT TERM

for ((tries = 0; tries < 600; tries++)); do
  kill -0 "$pid" 2>/dev/null || break
  if parley_answers "$port"; then
    echo "Parley is running. Open http://localhost:${port}/ in a browser to translate speech from its microphone."
    echo "API clients connect to ws://localhost:${port}/ws/session, nodes to ws://localhost:${port}/ws/node."
    break
  fi
  sleep 0.2
done

while true; do
  status=0
  wait "$pid" || status=$?
  kill -0 "$pid" 2>/dev/null || exit "$status"
done
