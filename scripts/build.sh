#!/usr/bin/env bash
# `npm run build`: typecheck, then compile apps and libs with SWC into dist/ (same tree, path
# aliases rewritten to relative imports), runnable with plain node: node dist/apps/ingest/src/main.js
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
npx tsc -p tsconfig.json --noEmit
rm -rf dist
npx swc apps libs --config-file .swcrc --out-dir dist --ignore "**/*.spec.ts,**/test/**,**/bench/**,apps/dashboard/**,libs/sdk/**" --quiet
for extra in scripts/build-*.sh; do [[ -f "$extra" ]] && bash "$extra"; done
echo "build: dist/ ready"
