#!/usr/bin/env bash
# `npm start`: installs what is missing, starts Kafka (unless KAFKA_BROKERS points elsewhere),
# creates and migrates the database, creates the topics, then starts the services.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/prepare-env.sh
npm run -s db:migrate
npm run -s topics:create
exec node -r @swc-node/register scripts/run-stack.ts "$@"
