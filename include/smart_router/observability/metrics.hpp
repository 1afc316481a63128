// The router's Prometheus metrics (prometheus-cpp core; served by our own /metrics handler).
// Label lookups take a lock inside prometheus-cpp, so the hot path caches the metric objects:
// TierMetrics per infrastructure tier, RequestCounterCache per worker.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/summary.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "smart_router/observability/latency_histogram.hpp"
#include "smart_router/observability/rolling_mean.hpp"
#include "smart_router/observability/windowed_quantiles.hpp"

namespace smart_router::observability {

// Per infrastructure tier (= pool name: "shared", "premium").
struct TierMetrics {
  WindowedQuantiles duration_summary;  // http_request_duration_seconds (a summary)
  CachedQuantile recent_p95{0.95};     // of duration_summary: the auto hedge delay
  prometheus::Gauge* response_time_ms = nullptr;
  prometheus::Gauge* in_flight = nullptr;
  RollingMean rolling_ms;  // microseconds; feeds response_time_ms at scrape time
};

class Metrics {
 public:
  Metrics();

  TierMetrics& tier(const std::string& tier);  // stable reference, created on first use
  prometheus::Counter& requests(const std::string& tier, const std::string& user_tier,
                                const std::string& route, unsigned status);
  prometheus::Counter& budget_exceeded(const std::string& tier, const std::string& user_tier);
  // smart_router_request_duration_seconds{tier,user_tier}: stable reference, made on first use
  LatencyHistogram& duration(const std::string& tier, const std::string& user_tier);
  // The SLO per class: every answer, and those both not 5xx and within latency_budget_ms.
  prometheus::Counter& slo_requests(const std::string& tier, const std::string& user_tier);
  prometheus::Counter& slo_good_requests(const std::string& tier, const std::string& user_tier);
  // Queued admission per pool.
  prometheus::Gauge& queue_depth(const std::string& pool);
  prometheus::Gauge& pool_concurrency_limit(const std::string& pool);
  prometheus::Gauge& pool_latency_baseline(const std::string& pool);
  prometheus::Histogram& queue_wait(const std::string& pool, const std::string& user_tier);
  prometheus::Counter& overload_rejections(const std::string& pool, const std::string& user_tier,
                                           const std::string& reason);
  prometheus::Counter& shed(const std::string& user_tier);
  // scope: "class" | "client" | "fleet"
  prometheus::Counter& rate_limited(const std::string& user_tier, std::string_view scope);
  // A tier claim served as the default class. `claimed`: a class name or "unknown" (never the
  // client's text: labels stay bounded); `reason`: "untrusted" or "unknown_tier".
  prometheus::Counter& tier_downgrades(const std::string& claimed, const std::string& reason);
  prometheus::Counter& retries(const std::string& pool);
  // Retries the pool's retry budget refused; retries and hedges in flight; hedges by result
  // ("won", "lost", "skipped").
  prometheus::Counter& retry_budget_exhausted(const std::string& pool);
  prometheus::Gauge& retries_in_flight(const std::string& pool);
  prometheus::Counter& hedges(const std::string& pool, const std::string& result);
  prometheus::Counter& upstream_requests(const std::string& pool, const std::string& endpoint,
                                         const std::string& outcome);
  prometheus::Gauge& upstream_healthy(const std::string& pool, const std::string& endpoint);
  prometheus::Gauge& upstream_ejected(const std::string& pool, const std::string& endpoint);
  prometheus::Counter& upstream_ejections(const std::string& pool, const std::string& endpoint,
                                          const std::string& reason);
  prometheus::Gauge& pool_panic(const std::string& pool);
  prometheus::Counter& config_reloads(bool success);
  // server.tls certificate files re-read after they changed on disk, by result.
  prometheus::Counter& tls_certificate_reloads(bool success);
  prometheus::Gauge& tls_certificate_expiry() { return *tls_certificate_expiry_; }
  // tiers.trust.jwt.jwks_url fetches, by result, and the keys in use.
  prometheus::Counter& jwks_fetches(bool success);
  prometheus::Gauge& jwks_keys() { return *jwks_keys_; }
  // Exchanges with the fleet quotas' Redis, by result, and whether the last one succeeded.
  prometheus::Counter& fleet_quota_syncs(bool success);
  prometheus::Gauge& fleet_quota_connected() { return *fleet_quota_connected_; }
  prometheus::Gauge& active_connections() { return *active_connections_; }
  prometheus::Counter& tarpitted() { return *tarpitted_; }
  prometheus::Counter& access_log_dropped_lines() { return *access_log_dropped_lines_; }
  prometheus::Gauge& config_generation() { return *config_generation_; }

  // Text exposition format 0.0.4 of everything, response_time_ms refreshed first.
  std::string serialize();
  static constexpr double kQuantiles[] = {0.5, 0.9, 0.95, 0.99};

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* requests_total_;
  prometheus::Family<prometheus::Gauge>* response_time_ms_;
  prometheus::Family<prometheus::Gauge>* upstream_healthy_;
  prometheus::Family<prometheus::Gauge>* upstream_ejected_;
  prometheus::Family<prometheus::Counter>* upstream_ejections_;
  prometheus::Family<prometheus::Gauge>* pool_panic_;
  prometheus::Family<prometheus::Counter>* upstream_requests_;
  prometheus::Family<prometheus::Counter>* shed_;
  prometheus::Family<prometheus::Counter>* rate_limited_;
  prometheus::Family<prometheus::Counter>* tier_downgrades_;
  prometheus::Family<prometheus::Counter>* budget_exceeded_;
  prometheus::Family<prometheus::Counter>* retries_;
  prometheus::Family<prometheus::Counter>* retry_budget_exhausted_;
  prometheus::Family<prometheus::Gauge>* retries_in_flight_;
  prometheus::Family<prometheus::Counter>* hedges_;
  prometheus::Family<prometheus::Counter>* config_reloads_;
  prometheus::Family<prometheus::Counter>* slo_requests_;
  prometheus::Family<prometheus::Counter>* slo_good_requests_;
  prometheus::Family<prometheus::Gauge>* queue_depth_;
  prometheus::Family<prometheus::Gauge>* pool_concurrency_limit_;
  prometheus::Family<prometheus::Gauge>* pool_latency_baseline_;
  prometheus::Family<prometheus::Histogram>* queue_wait_;
  prometheus::Family<prometheus::Counter>* overload_rejections_;
  prometheus::Family<prometheus::Gauge>* in_flight_;
  prometheus::Gauge* active_connections_;
  prometheus::Counter* tarpitted_;
  prometheus::Counter* access_log_dropped_lines_;
  prometheus::Gauge* config_generation_;
  prometheus::Family<prometheus::Counter>* tls_certificate_reloads_;
  prometheus::Gauge* tls_certificate_expiry_;
  prometheus::Family<prometheus::Counter>* jwks_fetches_;
  prometheus::Gauge* jwks_keys_;
  prometheus::Family<prometheus::Counter>* fleet_quota_syncs_;
  prometheus::Gauge* fleet_quota_connected_;

  std::mutex durations_mutex_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<LatencyHistogram>> durations_;
  std::mutex tiers_mutex_;
  std::unordered_map<std::string, std::unique_ptr<TierMetrics>> tiers_;
};

// Per-worker cache of http_requests_total children keyed by the addresses of the label strings
// (owned by the config snapshot). Clear it when the snapshot changes.
class RequestCounterCache {
 public:
  prometheus::Counter& get(Metrics& m, const std::string& tier, const std::string& user_tier,
                           const std::string& route, unsigned status);
  void clear() { cache_.clear(); }

 private:
  struct Key {
    const void* tier;
    const void* user_tier;
    const void* route;
    unsigned status;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept {
      auto h = reinterpret_cast<std::uintptr_t>(k.tier) * 31u;
      h ^= reinterpret_cast<std::uintptr_t>(k.user_tier) * 131u;
      h ^= reinterpret_cast<std::uintptr_t>(k.route) * 1031u;
      return h ^ k.status;
    }
  };
  std::unordered_map<Key, prometheus::Counter*, KeyHash> cache_;
};

}  // namespace smart_router::observability
