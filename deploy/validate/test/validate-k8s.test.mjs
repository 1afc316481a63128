// Self-test of validate-k8s.mjs: the real manifests pass, and each planted mistake in a copy of
// deploy/k8s is reported. A checker that silently stopped checking fails here.
//   node --test deploy/validate/test/
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..", "..");
const validator = path.join(repo, "deploy/validate/validate-k8s.mjs");

function run(k8sDir, outDir) {
  const r = spawnSync(process.execPath, [validator, "--k8s", k8sDir, "--out", outDir], { encoding: "utf8" });
  return { status: r.status, output: r.stdout + r.stderr };
}

// [description, file under deploy/k8s, text to find, replacement, expected message part]
const MISTAKES = [
  ["Service selector matching nothing", "shared-api/service.yaml", "app.kubernetes.io/name: shared-api\n  ports", "app.kubernetes.io/name: shared-apl\n  ports", "matches no pod template"],
  ["targetPort naming no container port", "premium-api/service.yaml", "targetPort: http", "targetPort: web", 'targetPort "web" is not a container port'],
  ["HPA aimed at the template Deployment", "shared-api/hpa.yaml", "apiVersion: argoproj.io/v1alpha1\n    kind: Rollout", "apiVersion: apps/v1\n    kind: Deployment", "target the Rollout"],
  ["HPA target that does not exist", "premium-api/hpa.yaml", "    name: premium-api\n  minReplicas", "    name: premium-apii\n  minReplicas", "scaleTargetRef Rollout premium-apii is not declared"],
  ["spec.replicas on an HPA-managed Deployment", "router/deployment.yaml", "spec:\n  revisionHistoryLimit: 5", "spec:\n  replicas: 3\n  revisionHistoryLimit: 5", "remove spec.replicas"],
  ["template Deployment running pods", "premium-api/deployment.yaml", "replicas: 0", "replicas: 2", "spec.replicas must be 0"],
  ["missing previewService", "shared-api/rollout.yaml", "previewService: shared-api-preview", "previewService: shared-api-green", "previewService shared-api-green is not declared"],
  ["missing AnalysisTemplate", "premium-api/rollout.yaml", "premium-latency-check\n      postPromotionAnalysis", "premium-latency\n      postPromotionAnalysis", "analysis template premium-latency is not declared"],
  ["undocumented Secret key", "shared-api/deployment.yaml", "key: DATABASE_URL", "key: DB_URL", 'key "DB_URL" of Secret shared/shared-api-secrets'],
  ["undeclared ConfigMap", "router/deployment.yaml", "name: smart-router-config", "name: router-config", "ConfigMap smart-router/router-config is neither declared"],
  ["config mounted with subPath", "router/deployment.yaml", "              mountPath: /etc/smart-router\n", "              mountPath: /etc/smart-router\n              subPath: router.yaml\n", "subPath"],
  ["grace period shorter than preStop + drain", "router/deployment.yaml", "terminationGracePeriodSeconds: 45", "terminationGracePeriodSeconds: 25", "terminationGracePeriodSeconds 25 must exceed"],
  ["liveness on /ready", "router/deployment.yaml", "          livenessProbe:\n            httpGet:\n              path: /health", "          livenessProbe:\n            httpGet:\n              path: /ready", "livenessProbe must be httpGet /health"],
  ["unknown field (typo)", "premium-api/deployment.yaml", "readinessProbe:", "readinesProbe:", "unknown field spec.template.spec.containers[0].readinesProbe"],
  ["wrong type", "router/deployment.yaml", "containerPort: 8080", 'containerPort: "8080"', "must be integer"],
  ["NetworkPolicy selecting nothing", "network-policies.yaml", "app.kubernetes.io/name: premium-api\n  policyTypes", "app.kubernetes.io/name: premium\n  policyTypes", "spec.podSelector matches no pod template"],
  ["NetworkPolicy peer namespace that does not exist", "network-policies.yaml", "kubernetes.io/metadata.name: smart-router", "kubernetes.io/metadata.name: router", "matches no declared namespace"],
  ["undeclared namespace", "router/pdb.yaml", "namespace: smart-router", "namespace: routers", 'namespace "routers" is not declared'],
  ["metric not in the contract", "premium-api/analysis-templates.yaml", 'sum(rate(http_requests_total{tier="premium",status=~"5.."}[2m]))', 'sum(rate(http_request_total{tier="premium",status=~"5.."}[2m]))', 'metric "http_request_total" is not one the router exports'],
  ["recorded series with a label it does not carry", "shared-api/analysis-templates.yaml", 'http_requests_total{tier="shared"}', 'tier:smart_router_slo_errors_per_request:ratio_rate5m{route="by-tier"}', 'recorded series tier:smart_router_slo_errors_per_request:ratio_rate5m has no label "route"'],
  ["tier label value not in the contract", "shared-api/analysis-templates.yaml", 'http_requests_total{tier="shared"}', 'http_requests_total{tier="SHARED"}', 'tier="SHARED" is not a contract value'],
  ["rules ConfigMap edited by hand", "monitoring/alert-rules-premium.yaml", "for: 2m", "for: 3m", "not byte-identical"],
  ["Service DNS name with a typo", "router/deployment.yaml", "value: premium-api-service.premium.svc.cluster.local:8000", "value: premium-api.premium.svc.cluster.local:8000", "Service premium/premium-api is neither declared"],
  ["TargetGroupBinding on a wrong port", "router/targetgroupbinding.yaml", "port: 8080", "port: 80", "serviceRef port 80"],
  ["HPA metric the adapter does not serve", "monitoring/prometheus-adapter.yaml", "    externalRules:", "    otherRules:", "External metric response_time_ms is not served"],
  ["bare metric name the router does not export", "premium-api/analysis-templates.yaml", 'sum(rate(http_requests_total{tier="premium",status=~"5.."}[2m]))', "sum(rate(http_requests_totl[2m]))", 'metric "http_requests_totl" is not one the router exports'],
  ["probe on the public port", "router/deployment.yaml", "          livenessProbe:\n            httpGet:\n              path: /health\n              port: admin", "          livenessProbe:\n            httpGet:\n              path: /health\n              port: http", "livenessProbe must probe the admin port 9090"],
  ["admin port behind the Service", "router/service.yaml", "targetPort: http", "targetPort: admin", "exposes the router's admin port 9090"],
  ["scrape on the public port", "router/deployment.yaml", 'prometheus.io/port: "9090"', 'prometheus.io/port: "8080"', "prometheus.io/port must be the admin port 9090"],
  ["admin endpoints on the public port", "router/configmap.yaml", 'listen: "0.0.0.0:9090"', 'listen: ""', "admin.listen is empty"],
  ["unknown kind", "router/pdb.yaml", "kind: PodDisruptionBudget", "kind: PodDisruptionBudgets", "no model for policy/v1 PodDisruptionBudgets"],
];

test("the real deploy/k8s passes", () => {
  const out = mkdtempSync(path.join(tmpdir(), "vk8s-out-"));
  try {
    const r = run(path.join(repo, "deploy/k8s"), out);
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /objects from \d+ files OK/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("a YAML file missing from kustomization.yaml is reported", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "vk8s-"));
  try {
    cpSync(path.join(repo, "deploy/k8s"), path.join(dir, "k8s"), { recursive: true });
    writeFileSync(path.join(dir, "k8s/extra.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: shared}\n");
    const r = run(path.join(dir, "k8s"), path.join(dir, "out"));
    assert.equal(r.status, 1, r.output);
    assert.match(r.output, /extra\.yaml: not listed in kustomization\.yaml/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const [what, file, find, replace, expected] of MISTAKES) {
  test(`reports: ${what}`, () => {
    const dir = mkdtempSync(path.join(tmpdir(), "vk8s-"));
    try {
      cpSync(path.join(repo, "deploy/k8s"), path.join(dir, "k8s"), { recursive: true });
      const target = path.join(dir, "k8s", file);
      const text = readFileSync(target, "utf8");
      assert.ok(text.includes(find), `planted mistake no longer applies: "${find}" not in ${file}`);
      writeFileSync(target, text.replace(find, replace));
      const r = run(path.join(dir, "k8s"), path.join(dir, "out"));
      assert.equal(r.status, 1, `expected a failure for: ${what}\n${r.output}`);
      assert.ok(r.output.includes(expected), `expected "${expected}" in:\n${r.output}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
