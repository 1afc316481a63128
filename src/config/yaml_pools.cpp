// pools section: name -> endpoints, balancing, health checks, outlier detection, retries, TLS.
#include "smart_router/config/enums.hpp"
#include "text.hpp"
#include "yaml_sections.hpp"

namespace smart_router::config::yaml {

namespace {

void load_health_check(Reader& r, const Field& f, HealthCheck& out) {
  MapReader m(r, f,
              {"enabled", "path", "interval_ms", "timeout_ms", "healthy_threshold",
               "unhealthy_threshold", "expected_status"});
  m.read("enabled", out.enabled);
  m.read("path", out.path);
  m.read("interval_ms", out.interval_ms);
  m.read("timeout_ms", out.timeout_ms);
  m.read("healthy_threshold", out.healthy_threshold);
  m.read("unhealthy_threshold", out.unhealthy_threshold);
  m.read("expected_status", out.expected_status);
}

void load_outlier_detection(Reader& r, const Field& f, OutlierDetection& out) {
  MapReader m(
      r, f,
      {"consecutive_failures", "ejection_ms", "max_ejection_percent", "panic_threshold_percent"});
  m.read("consecutive_failures", out.consecutive_failures);
  m.read("ejection_ms", out.ejection_ms);
  m.read("max_ejection_percent", out.max_ejection_percent);
  m.read("panic_threshold_percent", out.panic_threshold_percent);
}

// `on: [connect_failure, reset, 503]`: the listed conditions, and only those, are retried.
void load_retry_on(Reader& r, const Field& f, Retries& out) {
  auto items = r.items(f);
  if (!items) return;
  const std::vector<std::string_view> names = {"connect_failure", "reset", "503"};
  bool connect_failure = false, reset = false, status_503 = false, ok = true;
  for (const auto& item : *items) {
    std::string s;
    if (!r.read(item, s)) {
      ok = false;
    } else if (s == "connect_failure") {
      connect_failure = true;
    } else if (s == "reset") {
      reset = true;
    } else if (s == "503") {
      status_503 = true;
    } else {
      r.bad_choice(item, s, names);
      ok = false;
    }
  }
  if (!ok) return;
  out.on_connect_failure = connect_failure;
  out.on_reset = reset;
  out.on_503 = status_503;
}

void load_retries(Reader& r, const Field& f, Retries& out) {
  MapReader m(r, f, {"attempts", "on", "idempotent_only"});
  m.read("attempts", out.attempts);
  m.read("idempotent_only", out.idempotent_only);
  if (auto on = m.get("on")) load_retry_on(r, *on, out);
}

void load_retry_budget(Reader& r, const Field& f, RetryBudget& out) {
  MapReader m(r, f, {"percent", "min_concurrent"});
  m.read("percent", out.percent);
  m.read("min_concurrent", out.min_concurrent);
}

void load_tls(Reader& r, const Field& f, UpstreamTls& out) {
  MapReader m(r, f, {"enabled", "verify", "ca_file", "sni"});
  m.read("enabled", out.enabled);
  m.read("verify", out.verify);
  m.read("ca_file", out.ca_file);
  m.read("sni", out.sni);
}

void load_concurrency(Reader& r, const Field& f, PoolConcurrency& out) {
  MapReader m(r, f, {"limit", "adaptive", "min_limit", "tolerance_percent", "queue_length"});
  m.read("limit", out.limit);
  m.read("adaptive", out.adaptive);
  m.read("min_limit", out.min_limit);
  m.read("tolerance_percent", out.tolerance_percent);
  m.read("queue_length", out.queue_length);
}

void load_pool(Reader& r, const Field& f, Pool& out) {
  MapReader m(r, f,
              {"endpoints", "dns_refresh_ms", "load_balancing", "connect_timeout_ms",
               "max_idle_per_endpoint", "health_check", "outlier_detection", "retries",
               "retry_budget", "tls", "concurrency"});
  m.read("endpoints", out.endpoints);
  m.read("dns_refresh_ms", out.dns_refresh_ms);
  m.read_enum("load_balancing", out.load_balancing, parse_load_balancing, load_balancing_names());
  m.read("connect_timeout_ms", out.connect_timeout_ms);
  m.read("max_idle_per_endpoint", out.max_idle_per_endpoint);
  if (auto hc = m.get("health_check")) load_health_check(r, *hc, out.health_check);
  if (auto od = m.get("outlier_detection")) load_outlier_detection(r, *od, out.outlier_detection);
  if (auto retries = m.get("retries")) load_retries(r, *retries, out.retries);
  if (auto budget = m.get("retry_budget")) load_retry_budget(r, *budget, out.retry_budget);
  if (auto tls = m.get("tls")) load_tls(r, *tls, out.tls);
  if (auto c = m.get("concurrency")) load_concurrency(r, *c, out.concurrency);
}

}  // namespace

void load_pools(Reader& r, const Field& f, std::vector<Pool>& out,
                std::vector<FieldMarks>& pool_marks) {
  auto entries = r.entries(f);
  if (!entries) return;
  FieldMarks& file_marks = r.marks();
  for (const auto& e : *entries) {
    Pool pool;
    pool.name = e.key.Scalar();
    pool.mark = e.key_mark();
    FieldMarks fm = FieldMarks::entry(e.path, pool.mark);
    r.set_marks(fm);
    load_pool(r, e, pool);
    r.set_marks(file_marks);
    out.push_back(std::move(pool));
    pool_marks.push_back(std::move(fm));
  }
}

}  // namespace smart_router::config::yaml
