// The validator's metric list comes from the router's source, and its PromQL reader finds bare
// series names as well as selectors.
//   node --test deploy/validate/test/
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promqlSeries } from "../promql.mjs";
import { parseMetricNames, readRouterMetrics } from "../router-metrics.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..", "..");
const HEADER = "include/smart_router/observability/metric_names.hpp";

test("every name of metric_names.hpp is read, with the type and labels of its registration", () => {
  const names = parseMetricNames(readFileSync(path.join(repo, HEADER), "utf8"));
  const { metrics, problems } = readRouterMetrics(repo);
  assert.deepEqual(Object.keys(metrics).sort(), [...names.values()].sort());
  assert.deepEqual(problems, []);
  // Fixed by the router contract (shared/router-contract.md), so a wrong parse shows here.
  assert.deepEqual(metrics.http_requests_total, { type: "counter", labels: ["route", "status", "tier", "user_tier"] });
  assert.deepEqual(metrics.http_request_duration_seconds, { type: "summary", labels: ["tier"] });
  assert.deepEqual(metrics.response_time_ms, { type: "gauge", labels: ["tier"] });
  assert.deepEqual(metrics.smart_router_queue_wait_seconds, { type: "histogram", labels: ["pool", "user_tier"] });
  assert.deepEqual(metrics.smart_router_active_connections, { type: "gauge", labels: [] });
});

test("a name added to the header without a registration is reported, not dropped", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "metrics-"));
  try {
    cpSync(path.join(repo, "include"), path.join(dir, "include"), { recursive: true });
    cpSync(path.join(repo, "src/observability"), path.join(dir, "src/observability"), { recursive: true });
    const h = path.join(dir, HEADER);
    writeFileSync(h, readFileSync(h, "utf8").replace("\n}", '\ninline constexpr const char* kNewThing = "smart_router_new_thing_total";\n}'));
    const { metrics, problems } = readRouterMetrics(dir);
    assert.deepEqual(metrics.smart_router_new_thing_total, { type: "untyped", labels: null });
    assert.ok(problems.some((p) => p.startsWith("smart_router_new_thing_total (kNewThing): no registration")), problems.join("\n"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const names = (expr) => promqlSeries(expr).map((s) => s.name);

test("PromQL: bare names and selectors, not functions, keywords, labels or durations", () => {
  assert.deepEqual(names("sum by (tier) (rate(http_requests_total[5m]))"), ["http_requests_total"]);
  assert.deepEqual(
    names('histogram_quantile(0.99, sum by (le, tier) (rate(smart_router_request_duration_seconds_bucket{tier="premium"}[5m:1m]))) > 0.05'),
    ["smart_router_request_duration_seconds_bucket"],
  );
  assert.deepEqual(names("increase(a_total[1h] offset 1d) / on (pod) group_left (tier) b or vector(0)"), ["a_total", "b"]);
  assert.deepEqual(names("1 - tier:slo_errors:ratio_rate5m > bool 1e-3"), ["tier:slo_errors:ratio_rate5m"]);
  assert.deepEqual(names('sum(x{service="{{args.service-name}}"}) and on() y{<<.LabelMatchers>>}'), ["x", "y"]);
});

test("PromQL: the matchers of a selector keep their quoted values", () => {
  const [s] = promqlSeries('rate(http_requests_total{tier="premium",status=~"5.."}[2m])');
  assert.equal(s.matchers, 'tier="premium",status=~"5.."');
  assert.equal(promqlSeries("rate(x[2m])")[0].matchers, "");
});
