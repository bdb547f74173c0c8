#!/usr/bin/env bash
# A chaos run, by hand (not part of the tests): the benchmark for two minutes on two clustered schedulers with their
# state in Redis, browsers and nodes spread over both, while a node (the one holding the most jobs) is killed every
# 10 s and started again 2 s later, the first scheduler is killed with SIGKILL 35 s in and started again 3 s later
# (its browsers resume on the other, its nodes register there), and the redis-server is restarted once, 65 s in.
# Prints the benchmark's JSON line, whose failover_ms says how long the failovers took (from a kill to the job's new
# job_assign) and resume_ms how long the browsers' resumes took, and fails unless every job ended once: lost 0 and
# duplicates 0.
# Options go to the benchmark and override these, e.g. scripts/chaos.sh --duration 300 --sessions 500
set -euo pipefail
cd "$(dirname "$0")/.."
report=$(bash scripts/bench.sh --store redis --instances 2 --sessions 100 --nodes 10 --duration 120 \
  --node-delay-ms 300 --chaos-node-every 10 --chaos-instance-at 35 --chaos-redis-at 65 "$@" | tail -n 1)
echo "$report"
if ! grep -q '"lost":0,' <<<"$report" || ! grep -q '"duplicates":0,' <<<"$report"; then
  echo "chaos: a job was lost or delivered twice" >&2
  exit 1
fi
