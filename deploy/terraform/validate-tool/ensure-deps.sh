#!/usr/bin/env bash
# Install the npm packages of deploy/terraform/validate-tool (from its committed lock file) when
# node_modules is missing or older than package-lock.json. Used by deploy/terraform/validate.sh,
# deploy/config/check-scaling.sh and tools/cost-model/test.sh. Needs Node.js >= 18 and npm.
set -euo pipefail
tool=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() { echo "ensure-deps: $*" >&2; exit 1; }
command -v node >/dev/null || die "node not found (apt-get install -y nodejs npm)"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' \
  || die "Node.js >= 18 required, found $(node --version)"
stamp="$tool/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$tool/package-lock.json" -nt "$stamp" ]; then
  command -v npm >/dev/null || die "npm not found (apt-get install -y npm)"
  echo "ensure-deps: npm ci in $tool" >&2
  npm ci --prefix "$tool" --no-audit --no-fund --loglevel=error >&2
fi
