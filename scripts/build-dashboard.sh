#!/usr/bin/env bash
# Part of `npm run build` (scripts/build.sh runs every scripts/build-*.sh): the dashboard is a
# static single-page app bundled by Vite into apps/dashboard/dist, which the API serves at /.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p apps/dashboard/tsconfig.json --noEmit
npm run -s build:dashboard
