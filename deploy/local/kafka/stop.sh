#!/usr/bin/env bash
# Stops a broker started by start.sh (SIGTERM: a clean shutdown), waiting until it is gone.
# Which broker: the one whose data is in KAFKA_DATA_DIR (default: the project's broker), or, when
# only KAFKA_PORT is given, the start.sh broker listening on that port. Idempotent: stopping a
# broker that is not running says so and succeeds.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

# The config file a start.sh broker was started with is the last argument of its command line.
config_of() { tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | tail -n1; }
is_start_sh_broker() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q ' kafka.Kafka '; }

if [[ -z "${KAFKA_DATA_DIR:-}" && -n "${KAFKA_PORT:-}" ]]; then
  data=""
  for pid in $(pgrep -f ' kafka\.Kafka ' || true); do
    config="$(config_of "$pid")"
    if [[ -f "$config" ]] && grep -Eq "^listeners=PLAINTEXT://[^,]*:${KAFKA_PORT}(,|$)" "$config"; then data="$(dirname "$config")"; break; fi
  done
  [[ -n "$data" ]] || { echo "kafka: no broker started by start.sh listens on port $KAFKA_PORT"; exit 0; }
else
  data="${KAFKA_DATA_DIR:-$here/data}"
fi

pidfile="$data/kafka.pid"
[[ -f "$pidfile" ]] || { echo "kafka: not started by this project (no $pidfile)"; exit 0; }
pid="$(cat "$pidfile")"
# A pid file outlives a crash and pids are reused: signal only the broker of this data dir.
if ! kill -0 "$pid" 2>/dev/null || ! is_start_sh_broker "$pid" || [[ "$(config_of "$pid")" != "$data/server.properties" ]]; then
  rm -f "$pidfile"
  echo "kafka: not running (stale pid file for $data removed)"
  exit 0
fi
kill -TERM "$pid"
for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
if kill -0 "$pid" 2>/dev/null; then
  echo "kafka: no clean shutdown within 30 s; killing pid $pid" >&2
  kill -KILL "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
fi
rm -f "$pidfile"
echo "kafka: stopped (data in $data)"
