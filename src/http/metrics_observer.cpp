// The request's figures in Prometheus: http_requests_total, the duration summary, histogram
// and 30 s mean, the latency budget, upstream attempts, retries and hedges.
#include "smart_router/http/request_observers.hpp"

namespace smart_router::http {

void MetricsObserver::on_attempt(const Request& req, const upstream::Endpoint& ep,
                                 AttemptOutcome o) {
  req.decided.pool->outcome(ep, o).Increment();
}

void MetricsObserver::on_retry(const Request& req) {
  req.decided.pool->retries->Increment();
}

void MetricsObserver::on_retry_refused(const Request& req) {
  req.decided.pool->retry_budget_exhausted->Increment();
}

void MetricsObserver::on_hedge(const Request& req, HedgeResult r) {
  req.decided.pool->hedges[static_cast<std::size_t>(r)]->Increment();
}

void MetricsObserver::on_finish(const FinishedRequest& f) {
  const Request& req = f.req;
  if (req.outcome.admin) return;  // probes and scrapes are not traffic
  const auto& cls = f.cls;
  const std::string& tier = cls.cls->pool;
  req.worker.request_counters
      .get(req.worker.ctx.metrics, tier, cls.cls->name, f.route, req.outcome.status)
      .Increment();
  auto& tm = *cls.pool->tier_metrics;
  const auto now_s =
      std::chrono::duration_cast<std::chrono::seconds>(f.at.time_since_epoch()).count();
  tm.duration_summary.observe(f.seconds, now_s);
  cls.duration->observe(f.seconds);
  tm.rolling_ms.add(now_s, static_cast<std::uint64_t>(f.seconds * 1e6));  // microseconds
  // The SLO per class: answered without a 5xx within latency_budget_ms is good.
  const bool within_budget = f.seconds * 1000.0 <= cls.cls->latency_budget_ms;
  cls.slo_requests->Increment();
  if (within_budget && req.outcome.status < 500) cls.slo_good_requests->Increment();
  if (!within_budget) cls.budget_exceeded->Increment();
}

}  // namespace smart_router::http
