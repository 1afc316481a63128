#include "smart_router/observability/metrics.hpp"

#include <prometheus/text_serializer.h>

#include <chrono>

#include "smart_router/observability/metric_names.hpp"

namespace smart_router::observability {
namespace names = metric_names;

namespace {

const prometheus::Histogram::BucketBoundaries& duration_buckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return kBuckets;
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  auto& r = *registry_;
  requests_total_ =
      &prometheus::BuildCounter()
           .Name(names::kHttpRequestsTotal)
           .Help("Requests answered, by infrastructure tier, user tier, route and status.")
           .Register(r);
  slo_requests_ = &prometheus::BuildCounter()
                       .Name(names::kSloRequestsTotal)
                       .Help("Requests answered, by tier and user tier (the SLO's total).")
                       .Register(r);
  slo_good_requests_ =
      &prometheus::BuildCounter()
           .Name(names::kSloGoodRequestsTotal)
           .Help("Requests answered without a 5xx within the class's latency_budget_ms.")
           .Register(r);
  queue_depth_ = &prometheus::BuildGauge()
                      .Name(names::kQueueDepth)
                      .Help("Requests waiting for a slot of the pool's concurrency limit.")
                      .Register(r);
  pool_concurrency_limit_ = &prometheus::BuildGauge()
                                 .Name(names::kPoolConcurrencyLimit)
                                 .Help("The pool's concurrency limit now (0: none).")
                                 .Register(r);
  pool_latency_baseline_ =
      &prometheus::BuildGauge()
           .Name(names::kPoolLatencyBaselineSeconds)
           .Help("The adaptive limit's latency of the pool without queueing (0: static limit).")
           .Register(r);
  queue_wait_ = &prometheus::BuildHistogram()
                     .Name(names::kQueueWaitSeconds)
                     .Help("Time requests waited for a slot of the pool, by user tier.")
                     .Register(r);
  overload_rejections_ = &prometheus::BuildCounter()
                              .Name(names::kOverloadRejectionsTotal)
                              .Help(
                                  "Requests refused 503 overloaded, by pool, user tier and reason "
                                  "(router_limit, queue_full, deadline, queue_timeout).")
                              .Register(r);
  response_time_ms_ = &prometheus::BuildGauge()
                           .Name(names::kResponseTimeMs)
                           .Help("Mean response time over the last 30 s in milliseconds, by tier.")
                           .Register(r);
  upstream_healthy_ = &prometheus::BuildGauge()
                           .Name(names::kUpstreamHealthy)
                           .Help("1 when the endpoint passes active health checks.")
                           .Register(r);
  upstream_ejected_ = &prometheus::BuildGauge()
                           .Name(names::kUpstreamEjected)
                           .Help("1 while passive outlier detection ejects the endpoint.")
                           .Register(r);
  upstream_ejections_ = &prometheus::BuildCounter()
                             .Name(names::kUpstreamEjectionsTotal)
                             .Help("Passive outlier ejections, by the last failure's kind.")
                             .Register(r);
  pool_panic_ = &prometheus::BuildGauge()
                     .Name(names::kPoolPanic)
                     .Help(
                         "1 while the pool ignores ejections: fewer than "
                         "panic_threshold_percent of its endpoints are free of one.")
                     .Register(r);
  upstream_requests_ = &prometheus::BuildCounter()
                            .Name(names::kUpstreamRequestsTotal)
                            .Help("Attempts sent to upstream endpoints, by outcome.")
                            .Register(r);
  shed_ = &prometheus::BuildCounter()
               .Name(names::kShedTotal)
               .Help("Requests shed by priority under overload, by user tier.")
               .Register(r);
  rate_limited_ = &prometheus::BuildCounter()
                       .Name(names::kRateLimitedTotal)
                       .Help("Requests refused 429 by a rate limit, by user tier and scope.")
                       .Register(r);
  tier_downgrades_ = &prometheus::BuildCounter()
                          .Name(names::kTierDowngradesTotal)
                          .Help(
                              "Tier claims not honoured, served as the default class, by the "
                              "class claimed (\"unknown\" when none) and reason.")
                          .Register(r);
  budget_exceeded_ = &prometheus::BuildCounter()
                          .Name(names::kBudgetExceededTotal)
                          .Help("Responses slower than the tier class's latency_budget_ms.")
                          .Register(r);
  retries_ = &prometheus::BuildCounter()
                  .Name(names::kRetriesTotal)
                  .Help("Retried upstream attempts, by pool.")
                  .Register(r);
  retry_budget_exhausted_ =
      &prometheus::BuildCounter()
           .Name(names::kRetryBudgetExhaustedTotal)
           .Help("Retries not made because the pool's retry_budget was used up, by pool.")
           .Register(r);
  retries_in_flight_ = &prometheus::BuildGauge()
                            .Name(names::kRetriesInFlight)
                            .Help("Retries and hedges in flight (the retry budget's use), by pool.")
                            .Register(r);
  hedges_ = &prometheus::BuildCounter()
                 .Name(names::kHedgesTotal)
                 .Help(
                     "Hedged tries by pool and result: won (its answer was relayed), lost "
                     "(another try answered first, or it failed), skipped (no budget, pool "
                     "slot or endpoint for it).")
                 .Register(r);
  config_reloads_ = &prometheus::BuildCounter()
                         .Name(names::kConfigReloadsTotal)
                         .Help("Config reloads, by result.")
                         .Register(r);
  in_flight_ = &prometheus::BuildGauge()
                    .Name(names::kInFlightRequests)
                    .Help("Requests in flight, by tier.")
                    .Register(r);
  tarpitted_ = &prometheus::BuildCounter()
                    .Name(names::kTarpittedTotal)
                    .Help(
                        "Refusals held overload.tarpit.delay_ms (and their connection "
                        "closed): the connection kept asking sooner than Retry-After.")
                    .Register(r)
                    .Add({});
  access_log_dropped_lines_ =
      &prometheus::BuildCounter()
           .Name(names::kAccessLogDroppedLinesTotal)
           .Help(
               "Access log lines dropped because its target (file, stdout) did not take them "
               "as fast as they came (over 4 MiB waiting).")
           .Register(r)
           .Add({});
  active_connections_ = &prometheus::BuildGauge()
                             .Name(names::kActiveConnections)
                             .Help("Open client connections.")
                             .Register(r)
                             .Add({});
  config_generation_ = &prometheus::BuildGauge()
                            .Name(names::kConfigGeneration)
                            .Help("Number of the config snapshot in use (1 = the first load).")
                            .Register(r)
                            .Add({});
  tls_certificate_reloads_ = &prometheus::BuildCounter()
                                  .Name(names::kTlsCertificateReloadsTotal)
                                  .Help(
                                      "server.tls certificate and key re-read after a change on "
                                      "disk, by result (a failure keeps the previous pair).")
                                  .Register(r);
  tls_certificate_expiry_ = &prometheus::BuildGauge()
                                 .Name(names::kTlsCertificateExpiry)
                                 .Help("notAfter of the server.tls certificate in use (Unix time).")
                                 .Register(r)
                                 .Add({});
  jwks_fetches_ = &prometheus::BuildCounter()
                       .Name(names::kJwksFetchesTotal)
                       .Help(
                           "Fetches of tiers.trust.jwt.jwks_url, by result (a failure keeps the "
                           "last good keys).")
                       .Register(r);
  jwks_keys_ = &prometheus::BuildGauge()
                    .Name(names::kJwksKeys)
                    .Help("Keys of the JWKS in use for verifying tier tokens.")
                    .Register(r)
                    .Add({});
  fleet_quota_syncs_ =
      &prometheus::BuildCounter()
           .Name(names::kFleetQuotaSyncsTotal)
           .Help(
               "Exchanges with the Redis of the fleet's quotas (rate_limits.redis), "
               "by result.")
           .Register(r);
  fleet_quota_connected_ = &prometheus::BuildGauge()
                                .Name(names::kFleetQuotaConnected)
                                .Help(
                                    "1 when the last exchange with the fleet quotas' Redis "
                                    "succeeded, 0 while fleet limits are not applied (fail open).")
                                .Register(r)
                                .Add({});
  prometheus::BuildGauge()
      .Name(names::kBuildInfo)
      .Help("Build information.")
      .Register(r)
      .Add({{"version", SMART_ROUTER_VERSION}})
      .Set(1);
  config_reloads(true);  // both series exist from the start, so rate() and alerts see zeros
  config_reloads(false);
}

TierMetrics& Metrics::tier(const std::string& tier) {
  std::lock_guard lock(tiers_mutex_);
  auto& slot = tiers_[tier];
  if (!slot) {
    slot = std::make_unique<TierMetrics>();
    const prometheus::Labels labels{{"tier", tier}};
    slot->response_time_ms = &response_time_ms_->Add(labels);
    slot->in_flight = &in_flight_->Add(labels);
  }
  return *slot;
}

prometheus::Counter& Metrics::requests(const std::string& tier, const std::string& user_tier,
                                       const std::string& route, unsigned status) {
  return requests_total_->Add({{"tier", tier},
                               {"user_tier", user_tier},
                               {"route", route},
                               {"status", std::to_string(status)}});
}

prometheus::Counter& Metrics::budget_exceeded(const std::string& tier,
                                              const std::string& user_tier) {
  return budget_exceeded_->Add({{"tier", tier}, {"user_tier", user_tier}});
}

LatencyHistogram& Metrics::duration(const std::string& tier, const std::string& user_tier) {
  const std::lock_guard lock(durations_mutex_);
  auto& h = durations_[{tier, user_tier}];
  if (!h) h = std::make_unique<LatencyHistogram>(duration_buckets());
  return *h;
}

prometheus::Counter& Metrics::slo_requests(const std::string& tier, const std::string& user_tier) {
  return slo_requests_->Add({{"tier", tier}, {"user_tier", user_tier}});
}

prometheus::Counter& Metrics::slo_good_requests(const std::string& tier,
                                                const std::string& user_tier) {
  return slo_good_requests_->Add({{"tier", tier}, {"user_tier", user_tier}});
}

prometheus::Gauge& Metrics::queue_depth(const std::string& pool) {
  return queue_depth_->Add({{"pool", pool}});
}

prometheus::Gauge& Metrics::pool_latency_baseline(const std::string& pool) {
  return pool_latency_baseline_->Add({{"pool", pool}});
}

prometheus::Gauge& Metrics::pool_concurrency_limit(const std::string& pool) {
  return pool_concurrency_limit_->Add({{"pool", pool}});
}

prometheus::Histogram& Metrics::queue_wait(const std::string& pool, const std::string& user_tier) {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1};
  return queue_wait_->Add({{"pool", pool}, {"user_tier", user_tier}}, kBuckets);
}

prometheus::Counter& Metrics::overload_rejections(const std::string& pool,
                                                  const std::string& user_tier,
                                                  const std::string& reason) {
  return overload_rejections_->Add({{"pool", pool}, {"user_tier", user_tier}, {"reason", reason}});
}

prometheus::Counter& Metrics::shed(const std::string& user_tier) {
  return shed_->Add({{"user_tier", user_tier}});
}

prometheus::Counter& Metrics::rate_limited(const std::string& user_tier, std::string_view scope) {
  return rate_limited_->Add({{"user_tier", user_tier}, {"scope", std::string(scope)}});
}

prometheus::Counter& Metrics::tier_downgrades(const std::string& claimed,
                                              const std::string& reason) {
  return tier_downgrades_->Add({{"claimed", claimed}, {"reason", reason}});
}

prometheus::Counter& Metrics::retries(const std::string& pool) {
  return retries_->Add({{"pool", pool}});
}

prometheus::Counter& Metrics::retry_budget_exhausted(const std::string& pool) {
  return retry_budget_exhausted_->Add({{"pool", pool}});
}

prometheus::Gauge& Metrics::retries_in_flight(const std::string& pool) {
  return retries_in_flight_->Add({{"pool", pool}});
}

prometheus::Counter& Metrics::hedges(const std::string& pool, const std::string& result) {
  return hedges_->Add({{"pool", pool}, {"result", result}});
}

prometheus::Counter& Metrics::upstream_requests(const std::string& pool,
                                                const std::string& endpoint,
                                                const std::string& outcome) {
  return upstream_requests_->Add({{"pool", pool}, {"endpoint", endpoint}, {"outcome", outcome}});
}

prometheus::Gauge& Metrics::upstream_healthy(const std::string& pool, const std::string& endpoint) {
  return upstream_healthy_->Add({{"pool", pool}, {"endpoint", endpoint}});
}

prometheus::Gauge& Metrics::upstream_ejected(const std::string& pool, const std::string& endpoint) {
  return upstream_ejected_->Add({{"pool", pool}, {"endpoint", endpoint}});
}

prometheus::Counter& Metrics::upstream_ejections(const std::string& pool,
                                                 const std::string& endpoint,
                                                 const std::string& reason) {
  return upstream_ejections_->Add({{"pool", pool}, {"endpoint", endpoint}, {"reason", reason}});
}

prometheus::Gauge& Metrics::pool_panic(const std::string& pool) {
  return pool_panic_->Add({{"pool", pool}});
}

prometheus::Counter& Metrics::config_reloads(bool success) {
  return config_reloads_->Add({{"result", success ? "success" : "failure"}});
}

prometheus::Counter& Metrics::tls_certificate_reloads(bool success) {
  return tls_certificate_reloads_->Add({{"result", success ? "success" : "failure"}});
}

prometheus::Counter& Metrics::fleet_quota_syncs(bool success) {
  return fleet_quota_syncs_->Add({{"result", success ? "success" : "failure"}});
}

prometheus::Counter& Metrics::jwks_fetches(bool success) {
  return jwks_fetches_->Add({{"result", success ? "success" : "failure"}});
}

std::string Metrics::serialize() {
  const auto now_s = now_seconds();
  prometheus::MetricFamily summary;
  summary.name = names::kHttpRequestDurationSeconds;
  summary.help = "Request duration quantiles over a sliding 60 s window, by tier.";
  summary.type = prometheus::MetricType::Summary;
  {
    std::lock_guard lock(tiers_mutex_);
    for (auto& [name, t] : tiers_) {
      t->response_time_ms->Set(t->rolling_ms.mean(now_s) / 1000.0);  // us -> ms
      prometheus::ClientMetric m;
      m.label = {{"tier", name}};
      m.summary.sample_count = t->duration_summary.count();
      m.summary.sample_sum = t->duration_summary.sum();
      for (double q : kQuantiles)
        m.summary.quantile.push_back({q, t->duration_summary.quantile(q, now_s)});
      summary.metric.push_back(std::move(m));
    }
  }
  prometheus::MetricFamily durations;
  durations.name = names::kRequestDurationSeconds;
  durations.help = "Request duration histogram, by tier and user tier.";
  durations.type = prometheus::MetricType::Histogram;
  {
    const std::lock_guard lock(durations_mutex_);
    for (const auto& [labels, h] : durations_) {
      prometheus::ClientMetric m;
      m.label = {{"tier", labels.first}, {"user_tier", labels.second}};
      m.histogram = h->collect();
      durations.metric.push_back(std::move(m));
    }
  }
  auto families = registry_->Collect();
  families.push_back(std::move(summary));
  families.push_back(std::move(durations));
  return prometheus::TextSerializer().Serialize(families);
}

prometheus::Counter& RequestCounterCache::get(Metrics& m, const std::string& tier,
                                              const std::string& user_tier,
                                              const std::string& route, unsigned status) {
  const Key key{&tier, &user_tier, &route, status};
  auto it = cache_.find(key);
  if (it != cache_.end()) return *it->second;
  auto& counter = m.requests(tier, user_tier, route, status);
  cache_.emplace(key, &counter);
  return counter;
}

}  // namespace smart_router::observability
