// pools checks: names, endpoints, timers, health checks, outlier detection, retries, TLS.
#include "smart_router/config/host_port.hpp"
#include "text.hpp"
#include "validation.hpp"

namespace smart_router::config {

namespace {

void validate_endpoints(Validation& v, const FieldMarks& m, const Pool& p) {
  const std::string base = m.path + ".endpoints";
  if (p.endpoints.empty()) {
    v.error(m, base, "at least one endpoint (\"host:port\") is required");
    return;
  }
  for (std::size_t i = 0; i < p.endpoints.size(); ++i) {
    const std::string path = base + "[" + std::to_string(i) + "]";
    std::string why;
    if (!parse_endpoint(p.endpoints[i], &why)) {
      v.error(m, path, "invalid endpoint " + quote(p.endpoints[i]) + ": " + why);
      continue;
    }
    for (std::size_t j = 0; j < i; ++j)
      if (p.endpoints[j] == p.endpoints[i]) {
        v.error(m, path, "duplicate endpoint " + quote(p.endpoints[i]));
        break;
      }
  }
}

void validate_health_check(Validation& v, const FieldMarks& m, const HealthCheck& hc) {
  const std::string base = m.path + ".health_check";
  if (hc.path.empty() || hc.path.front() != '/')
    v.error(m, base + ".path", "must start with '/', got " + quote(hc.path));
  v.positive(m, base + ".interval_ms", hc.interval_ms);
  v.positive(m, base + ".timeout_ms", hc.timeout_ms);
  v.positive(m, base + ".healthy_threshold", hc.healthy_threshold);
  v.positive(m, base + ".unhealthy_threshold", hc.unhealthy_threshold);
  if (hc.expected_status.empty())
    v.error(m, base + ".expected_status", "at least one status is required");
  for (std::size_t i = 0; i < hc.expected_status.size(); ++i)
    v.in_range(m, base + ".expected_status[" + std::to_string(i) + "]", hc.expected_status[i], 100,
               599);
}

void validate_concurrency(Validation& v, const FieldMarks& m, const PoolConcurrency& c) {
  const std::string base = m.path + ".concurrency";
  v.in_range(m, base + ".limit", c.limit, 0, 1'000'000, "0 turns the pool limit off");
  if (c.adaptive) {
    v.positive(m, base + ".min_limit", c.min_limit);
    if (c.limit == 0)
      v.error(m, base + ".adaptive", "needs a limit: the adaptive limit moves up to it");
    else if (c.min_limit > c.limit)
      v.error(m, base + ".min_limit",
              "must not exceed limit (" + std::to_string(c.limit) + "), got " +
                  std::to_string(c.min_limit));
    v.in_range(m, base + ".tolerance_percent", c.tolerance_percent, 101, 1000);
  }
  v.in_range(m, base + ".queue_length", c.queue_length, 0, 1'000'000);
}

void validate_pool(Validation& v, const FieldMarks& m, const Pool& p) {
  validate_endpoints(v, m, p);
  v.positive(m, m.path + ".dns_refresh_ms", p.dns_refresh_ms);
  v.positive(m, m.path + ".connect_timeout_ms", p.connect_timeout_ms);
  validate_health_check(v, m, p.health_check);
  const std::string od = m.path + ".outlier_detection";
  v.positive(m, od + ".consecutive_failures", p.outlier_detection.consecutive_failures);
  v.positive(m, od + ".ejection_ms", p.outlier_detection.ejection_ms);
  v.in_range(m, od + ".max_ejection_percent", p.outlier_detection.max_ejection_percent, 0, 100);
  v.in_range(m, od + ".panic_threshold_percent", p.outlier_detection.panic_threshold_percent, 0,
             100);
  v.in_range(m, m.path + ".retries.attempts", p.retries.attempts, 0, 10,
             "retries after the first try");
  v.in_range(m, m.path + ".retry_budget.percent", p.retry_budget.percent, 0, 100,
             "of the pool's requests in flight");
  v.in_range(m, m.path + ".retry_budget.min_concurrent", p.retry_budget.min_concurrent, 0,
             1'000'000);
  if (p.tls.enabled && !p.tls.ca_file.empty())
    v.readable_file(m, m.path + ".tls.ca_file", p.tls.ca_file);
  validate_concurrency(v, m, p.concurrency);
}

}  // namespace

void validate_pools(Validation& v) {
  const auto& pools = v.config.pools;
  if (pools.empty()) {
    v.error("pools", "at least one pool is required");
    return;
  }
  for (std::size_t i = 0; i < pools.size(); ++i) {
    const FieldMarks& m = v.marks.pools[i];
    for (std::size_t j = 0; j < i; ++j) {
      if (pools[j].name == pools[i].name) {
        v.error(m, m.path,
                "duplicate pool " + quote(pools[i].name) + " (first defined at " +
                    v.line_col(v.marks.pools[j].self) + ")");
        break;
      }
    }
    validate_pool(v, m, pools[i]);
  }
}

}  // namespace smart_router::config
