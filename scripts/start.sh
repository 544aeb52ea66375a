#!/usr/bin/env bash
# `npm start` (add `-- --demo` for a simulated fleet): installs what is missing, starts Kafka
# (unless KAFKA_BROKERS points elsewhere), creates and migrates the database, creates the topics,
# applies examples/metrics.yaml, then runs every service as its own process until Ctrl-C.
# Running it twice is harmless: every step checks what is already there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/prepare-env.sh

# A local admin token for the GraphQL API, made once and kept in .local/ (ignored by git).
mkdir -p .local
if [[ -z "${TELEMETRY_ADMIN_TOKEN:-}" ]]; then
  [[ -s .local/admin-token ]] || node -e "process.stdout.write(require('crypto').randomBytes(24).toString('base64url'))" > .local/admin-token
  TELEMETRY_ADMIN_TOKEN="$(cat .local/admin-token)"
  export TELEMETRY_ADMIN_TOKEN
fi

npm run -s db:migrate
npm run -s topics:create
if [[ -f libs/admin/cli/catalog-apply.ts ]]; then
  npm run -s catalog:apply -- examples/metrics.yaml --yes
fi

if [[ "${START_SERVICES:-1}" == "0" ]]; then
  echo "start: infrastructure ready (START_SERVICES=0: services not started)"
  exit 0
fi
exec node -r @swc-node/register scripts/run-stack.ts "$@"
