#!/usr/bin/env bash
# Stops the broker started by start.sh (SIGTERM: a clean shutdown), waiting until it is gone.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pidfile="${KAFKA_DATA_DIR:-$here/data}/kafka.pid"
[[ -f "$pidfile" ]] || { echo "kafka: not started by this project"; exit 0; }
pid="$(cat "$pidfile")"
if kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
fi
rm -f "$pidfile"
echo "kafka: stopped"
