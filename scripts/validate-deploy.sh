#!/usr/bin/env bash
# Every deploy check, offline (no cluster, no cloud credentials). CI runs this; so can you:
#
#   scripts/validate-deploy.sh
#
# Steps: promtool check/test of the alert rules, the validator's self-test, the alert-rules
# ConfigMaps in sync with the rules files, schema + cross-reference validation of deploy/k8s
# (Node, kubernetes-models), promtool on the
# prometheus.yml and every PromQL query extracted from the manifests, a kustomize build when a
# kustomize is installed, `smart-router --check-config` on the router.yaml of the ConfigMap,
# then the Terraform and scaling-config checks when their scripts exist.
#
# Environment:
#   SMART_ROUTER_BIN            router binary (default build/smart-router)
#   DEPLOY_SKIP_ROUTER_CHECK=1  skip --check-config explicitly (reported as skipped, never as passed)
#   DEPLOY_REQUIRE_NPM=1        fail (instead of skipping the Node checks) when the npm registry
#                               cannot be reached to install the validators' packages
#   SR_REQUIRE_DEPLOY_TOOLS=1   fail (instead of skipping) when kubectl/kustomize, terraform or
#                               the offline AWS provider is missing; .ci/run sets it (the CI
#                               machine has them). Without it, the README's test command still
#                               passes on a fresh Debian 12 that has none of them.
# A check that cannot run is reported as SKIPPED and counted apart: never as passed.
# Tools: apt-get install -y prometheus nodejs npm   (promtool, node >= 18, npm)
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
OUT=build/deploy-check
passed=0; failed=0; skipped=0; failures=()

step() { printf '\n==> %s\n' "$*"; }
check() { # check NAME CMD...: run one check and count it; exit status 77 = could not run
  local name=$1 rc=0; shift
  step "$name"
  "$@" || rc=$?
  if [ "$rc" = 0 ]; then
    echo "ok: $name"; passed=$((passed + 1))
  elif [ "$rc" = 77 ]; then
    echo "SKIPPED: $name (see the SKIP line above)"; skipped=$((skipped + 1))
  else
    echo "FAILED: $name"; failed=$((failed + 1)); failures+=("$name")
  fi
}
skip() { step "$1"; echo "SKIPPED: $1 ($2)"; skipped=$((skipped + 1)); }
require_tools=${SR_REQUIRE_DEPLOY_TOOLS:-0}
missing_tool() { # missing_tool NAME REASON: skipped, or failed when the tools are required
  if [ "$require_tools" = 1 ]; then
    step "$1"; echo "FAILED: $1 ($2; SR_REQUIRE_DEPLOY_TOOLS=1)"; failed=$((failed + 1)); failures+=("$1")
  else
    skip "$1" "$2"
  fi
}

missing=0
for tool in promtool:prometheus node:nodejs npm:npm; do
  if ! command -v "${tool%%:*}" >/dev/null 2>&1; then
    echo "validate-deploy: ${tool%%:*} not found: apt-get install -y ${tool#*:}" >&2; missing=1
  fi
done
[ "$missing" = 0 ] || exit 2
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  echo "validate-deploy: node $(node --version) is too old; deploy/validate needs node >= 18 (Debian 12 ships 18)" >&2; exit 2
fi

# --- Can the Node validators' packages be installed? -----------------------------------------
# They come from the npm registry (npm ci, lock files committed). Where it cannot be reached
# (no network, or a TLS-intercepting proxy whose CA this machine lacks), the Node checks are
# reported as SKIPPED with the reason, and every other check still runs.
npm_online=1; npm_reason=""
if [ ! -d deploy/validate/node_modules ] || [ ! -d deploy/terraform/validate-tool/node_modules ]; then
  if ! ping_out=$(timeout 60 npm ping --fetch-retries=0 --fetch-timeout=20000 2>&1); then
    npm_online=0
    npm_reason=$(printf '%s\n' "$ping_out" | grep -m1 -E 'ERR!|error' || echo "npm ping failed")
    echo "validate-deploy: npm registry unreachable: $npm_reason" >&2
    if [ "${DEPLOY_REQUIRE_NPM:-0}" = 1 ]; then exit 1; fi
  fi
fi
node_check() { # node_check NAME CMD...: a check that needs the npm packages
  if [ "$npm_online" = 1 ]; then check "$@"; else skip "$1" "npm registry unreachable: $npm_reason"; fi
}

# --- Prometheus rules (source of truth: deploy/monitoring/rules) ----------------------------
check "promtool check rules" promtool check rules deploy/monitoring/rules/*.rules.yaml
check "promtool test rules" promtool test rules deploy/monitoring/tests/*.test.yaml

# --- Node tooling: npm ci when node_modules is missing or older than the lock file ---------
npm_ready() {
  local stamp=deploy/validate/node_modules/.package-lock.json
  if [ ! -f "$stamp" ] || [ deploy/validate/package-lock.json -nt "$stamp" ]; then
    (cd deploy/validate && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
node_check "npm ci (deploy/validate)" npm_ready
node_check "validate-k8s self-test (each planted mistake is reported)" node --test deploy/validate/test/

# --- Kubernetes manifests --------------------------------------------------------------------
node_check "alert-rules ConfigMaps byte-identical to the rules files" node deploy/validate/sync-rules.mjs --check
node_check "validate-k8s (schemas, cross-references, router rules)" node deploy/validate/validate-k8s.mjs --out "$OUT"
# Without the validator, take router.yaml out of its ConfigMap (a literal block) directly, so the
# router's own check still runs.
if [ ! -f "$OUT/router.yaml" ]; then
  mkdir -p "$OUT"
  python3 - deploy/k8s/router/configmap.yaml "$OUT/router.yaml" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
start = next(i for i, l in enumerate(lines) if l.strip() == "router.yaml: |")
body, indent = [], None
for l in lines[start + 1:]:
    if l.strip() and indent is None:
        indent = len(l) - len(l.lstrip())
    if l.strip() and len(l) - len(l.lstrip()) < indent:
        break
    body.append(l[indent:] if l.strip() else "")
open(sys.argv[2], "w").write("\n".join(body).rstrip() + "\n")
PY
fi
# Debian's promtool is built without Kubernetes service discovery; then check the copy in which
# validate-k8s replaced kubernetes_sd_configs by a static target (it checks those blocks itself).
promtool_has_k8s_sd() {
  printf 'scrape_configs:\n  - job_name: probe\n    kubernetes_sd_configs: [{role: pod}]\n' > "$OUT/sd-probe.yml"
  promtool check config "$OUT/sd-probe.yml" >/dev/null 2>&1
}
if [ -f "$OUT/prometheus/prometheus.yml" ]; then
  prom_config=$OUT/prometheus/prometheus.yml
  if ! promtool_has_k8s_sd; then
    echo "note: this promtool has no kubernetes_sd support; checking $OUT/prometheus/prometheus.no-k8s-sd.yml"
    prom_config=$OUT/prometheus/prometheus.no-k8s-sd.yml
  fi
  check "promtool check config (prometheus.yml + rules from the ConfigMaps)" promtool check config "$prom_config"
  check "promtool check rules (PromQL of AnalysisTemplates and Prometheus Adapter)" \
    promtool check rules "$OUT/manifest-queries.rules.yaml"
fi

kustomize_build() {
  if command -v kustomize >/dev/null 2>&1; then kustomize build deploy/k8s > "$OUT/kustomize-build.yaml"
  else kubectl kustomize deploy/k8s > "$OUT/kustomize-build.yaml"; fi
}
if command -v kustomize >/dev/null 2>&1 || command -v kubectl >/dev/null 2>&1; then
  check "kustomize build deploy/k8s" kustomize_build
else
  missing_tool "kustomize build deploy/k8s" "neither kustomize nor kubectl installed"
fi

# --- The router's own validation of its ConfigMap config -----------------------------------
router_check() {
  local bin=$1 envs=()
  [ -f "$OUT/router.env" ] && mapfile -t envs < "$OUT/router.env"
  # The same env overrides as the Deployment (SHARED_ENDPOINT, PREMIUM_ENDPOINT, ...).
  env "${envs[@]}" "$bin" --check-config "$OUT/router.yaml"
}
ROUTER_BIN=${SMART_ROUTER_BIN:-build/smart-router}
if [ "${DEPLOY_SKIP_ROUTER_CHECK:-0}" = 1 ]; then
  skip "smart-router --check-config" "DEPLOY_SKIP_ROUTER_CHECK=1"
elif [ ! -f "$OUT/router.yaml" ]; then
  check "smart-router --check-config (router.yaml was not extracted: see validate-k8s)" false
elif [ ! -x "$ROUTER_BIN" ]; then
  step "smart-router --check-config"
  echo "FAILED: smart-router binary not found at $ROUTER_BIN: build it first" \
       "(cmake --build build), or set SMART_ROUTER_BIN=/path/to/smart-router"
  failed=$((failed + 1)); failures+=("smart-router --check-config (no binary)")
else
  check "smart-router --check-config $OUT/router.yaml" router_check "$ROUTER_BIN"
fi

# --- Hooks for the other halves of the deploy work -----------------------------------------
if [ -x deploy/terraform/validate.sh ]; then
  node_check "deploy/terraform/validate.sh static (HCL references, policy, self-tests)" deploy/terraform/validate.sh static
  # Exit 77 (no terraform or no provider offline) counts as skipped; a failure when required.
  check "deploy/terraform/validate.sh terraform (terraform fmt -check, terraform validate)" deploy/terraform/validate.sh terraform
fi
# One entry point, the first that exists (a .sh usually wraps the others).
for f in deploy/config/check-scaling.sh deploy/config/check-scaling.mjs deploy/config/check-scaling.js \
         deploy/config/check-scaling.py; do
  [ -f "$f" ] || continue
  case "$f" in
    *.sh) node_check "$f" bash "$f" ;;
    *.py) check "$f" python3 "$f" ;;
    *) node_check "$f" node "$f" ;;
  esac
  break
done

echo
[ "$failed" -gt 0 ] && printf 'failed: %s\n' "${failures[@]}"
echo "deploy: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
