#!/usr/bin/env bash
# Installs Debian's chromium package when it is missing: the SDK's browser tests
# (libs/sdk/test/browser.int.spec.ts) drive it through playwright-core with executablePath
# /usr/bin/chromium, because no browser build may be downloaded on these machines. Idempotent.
set -euo pipefail
if [[ -x /usr/bin/chromium ]]; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "ensure-chromium: /usr/bin/chromium is missing and apt-get is not available; install Chromium by hand" >&2
  exit 1
fi
sudo_cmd=()
if [[ "$(id -u)" != "0" ]]; then sudo_cmd=(sudo); fi
echo "ensure-chromium: installing Debian's chromium package…"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
/usr/bin/chromium --version
