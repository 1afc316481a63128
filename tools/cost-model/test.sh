#!/usr/bin/env bash
# tools/cost-model/test.sh — the cost model's arithmetic tests (hand-worked fixture) and a smoke
# run on the repository's own numbers. Run by deploy/config/check-scaling.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
"$root/deploy/terraform/validate-tool/ensure-deps.sh"
node --test "$here/test/"
node "$here/cost-model.js" --strict --load peak >/dev/null
echo "cost-model: smoke run on the repository's numbers OK"
