#!/usr/bin/env bash
# deploy/config/check-scaling.sh — deploy/config/scaling-config.yaml against deploy/k8s,
# deploy/terraform and config/router.yaml, plus the invariants of its numbers (DB pools within
# Aurora max_connections, Redis working set within node memory, HPA maxima within node groups).
# Then the checker's own tests and the cost model's tests. Called by scripts/validate-deploy.sh.
#
#   deploy/config/check-scaling.sh [--verbose]     (arguments go to lib/check-scaling.js)
#
# Needs Node.js >= 18 and npm (packages from deploy/terraform/validate-tool/package-lock.json).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
"$root/deploy/terraform/validate-tool/ensure-deps.sh"

echo "== scaling-config.yaml vs deploy/k8s, deploy/terraform, config/router.yaml"
node "$here/lib/check-scaling.js" --root "$root" "$@"

echo "== check-scaling self-tests"
node --test "$here/test/"

echo "== cost model tests"
"$root/tools/cost-model/test.sh"
