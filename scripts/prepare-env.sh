#!/usr/bin/env bash
# Installs and starts what the project needs on this machine, and nothing that is already there:
# npm dependencies, the Kafka jars and broker (unless KAFKA_BROKERS points elsewhere), PostgreSQL.
# Sourced by start.sh and test.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ ! -d "$root/node_modules/.bin" || "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]]; then
  echo "prepare: installing npm dependencies (npm ci)…"
  (cd "$root" && npm ci --no-audit --no-fund)
fi

if [[ -z "${KAFKA_BROKERS:-}" || "${KAFKA_BROKERS}" == "127.0.0.1:9092" || "${KAFKA_BROKERS}" == "localhost:9092" ]]; then
  bash "$root/deploy/local/kafka/start.sh"
else
  echo "prepare: using the Kafka brokers at $KAFKA_BROKERS"
fi

pg_up() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
if [[ -z "${DATABASE_URL:-}" ]] && ! pg_up; then
  if command -v pg_ctlcluster >/dev/null && [[ -d /etc/postgresql ]]; then
    echo "prepare: starting the local PostgreSQL cluster…"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
    for _ in $(seq 1 60); do pg_up && break; sleep 0.5; done
  fi
  pg_up || { echo "prepare: PostgreSQL is not reachable at 127.0.0.1:5432 and could not be started" >&2; exit 1; }
fi
