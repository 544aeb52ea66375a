#!/usr/bin/env bash
# Part of `npm run build` (scripts/build.sh runs every scripts/build-*.sh): the client SDK is an
# npm package built with esbuild, not a service compiled by SWC.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run -s build:sdk
