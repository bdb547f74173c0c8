#!/usr/bin/env bash
# A Parley cluster on this machine, every part its own process: redis-server with its append-only file, two
# scheduler instances clustered over Hazelcast (conf/cluster.xml) and two worker nodes, each node given both
# instances so it moves to the other when its own goes away.
#   scripts/cluster.sh up       start it all (installs and builds what is missing), print the addresses
#   scripts/cluster.sh down     stop it all
#   scripts/cluster.sh status   which parts run
# Settings: CLUSTER_PORTS (default "8081 8082"), CLUSTER_REDIS_PORT (6390). Logs and pids are in run/cluster/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

read -r -a ports <<<"${CLUSTER_PORTS:-8081 8082}"
redis_port="${CLUSTER_REDIS_PORT:-6390}"
dir=run/cluster
parts=(redis scheduler-1 scheduler-2 node-1 node-2)

pid_of() {
  local file="$dir/$1.pid"
  [ -f "$file" ] && kill -0 "$(cat "$file")" 2>/dev/null && cat "$file"
}

# Waits until the check passes, or fails naming the part and its log.
await() {
  local part=$1
  shift
  for ((tries = 0; tries < 300; tries++)); do
    if "$@"; then return 0; fi
    if ! pid_of "$part" >/dev/null; then
      echo "$part stopped; see $dir/$part.log" >&2
      exit 1
    fi
    sleep 0.2
  done
  echo "$part did not come up within 60 s; see $dir/$part.log" >&2
  exit 1
}

redis_answers() {
  redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG
}

start() {
  local part=$1
  shift
  if pid_of "$part" >/dev/null; then
    echo "$part runs already (pid $(pid_of "$part"))"
    return
  fi
  "$@" >"$dir/$part.log" 2>&1 &
  echo $! >"$dir/$part.pid"
}

up() {
  bash scripts/install-engines.sh redis-server
  ensure_jar
  mkdir -p "$dir"
  start redis redis-server --port "$redis_port" --bind 127.0.0.1 --appendonly yes --dir "$PWD/$dir" \
    --save ''
  await redis redis_answers
  local redis="redis://127.0.0.1:$redis_port" node_urls=() i
  for ((i = 0; i < ${#ports[@]}; i++)); do
    node_urls+=("ws://127.0.0.1:${ports[$i]}/ws/node")
  done
  # one instance after another: each joins the members already there
  for ((i = 0; i < 2; i++)); do
    start "scheduler-$((i + 1))" "${PARLEY_JAVA[@]}" scheduler --cluster --redis "$redis" --port "${ports[$i]}"
    await "scheduler-$((i + 1))" parley_answers "${ports[$i]}"
  done
  # node-1 prefers the first instance, node-2 the second; each falls back to the other
  start node-1 "${PARLEY_JAVA[@]}" node --set node.id=node-1 \
    --scheduler "${node_urls[0]},${node_urls[1]}"
  start node-2 "${PARLEY_JAVA[@]}" node --set node.id=node-2 \
    --scheduler "${node_urls[1]},${node_urls[0]}"
  echo "Parley cluster is up: browsers on http://localhost:${ports[0]}/ or http://localhost:${ports[1]}/,"
  echo "Redis on $redis. Logs in $dir/. Stop it with scripts/cluster.sh down."
}

down() {
  local i part pid
  for ((i = ${#parts[@]} - 1; i >= 0; i--)); do
    part=${parts[$i]}
    if pid=$(pid_of "$part"); then
      kill -TERM "$pid" 2>/dev/null || true
      for ((tries = 0; tries < 50; tries++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
      done
      kill -KILL "$pid" 2>/dev/null || true
      echo "$part stopped"
    fi
    rm -f "$dir/$part.pid"
  done
}

status() {
  local part
  for part in "${parts[@]}"; do
    if pid_of "$part" >/dev/null; then echo "$part: running (pid $(pid_of "$part"))"; else echo "$part: stopped"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *)
    echo "usage: scripts/cluster.sh up|down|status" >&2
    exit 2
    ;;
esac
