#!/usr/bin/env bash
# `npm test`: prepares the machine (scripts/prepare-env.sh), then lint, typecheck, unit and
# integration tests, and ends with one summary line "Tests: N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/prepare-env.sh || exit 1
# The SDK and dashboard browser tests drive Debian's Chromium (no browser download).
bash scripts/ensure-chromium.sh || exit 1

status=0
echo "== lint"; npm run -s lint || status=1
echo "== typecheck"; npx tsc -p tsconfig.json --noEmit || status=1

mkdir -p .reports
rm -f .reports/vitest-*.json
echo "== unit + integration tests"
npx vitest run --project unit --project integration "$@" \
  --reporter=default --reporter=json --outputFile.json=.reports/vitest-main.json || status=1

if [[ "${TELEMETRY_E2E:-1}" != "0" ]] && [[ -n "$(find test/e2e test/faults test/fuzz -name '*.spec.ts' 2>/dev/null)" ]]; then
  echo "== end-to-end, fault and fuzz tests"
  npx vitest run --project e2e --reporter=default --reporter=json --outputFile.json=.reports/vitest-e2e.json || status=1
fi

node scripts/summarize-tests.mjs .reports/vitest-*.json || status=1
exit $status
