// A config compiled for serving: classifier, route table, pools and cached metric handles.
// Immutable once published; a request holds its snapshot for its whole life, so in-flight
// requests finish on the config they started with.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "smart_router/config/config.hpp"
#include "smart_router/config/loader.hpp"
#include "smart_router/observability/access_log.hpp"
#include "smart_router/observability/metrics.hpp"
#include "smart_router/overload/pool_admission.hpp"
#include "smart_router/overload/priority_levels.hpp"
#include "smart_router/ratelimit/rate_limit_state.hpp"
#include "smart_router/routing/route_table.hpp"
#include "smart_router/tier/cidr.hpp"
#include "smart_router/tier/jwks_store.hpp"
#include "smart_router/tier/tier_classifier.hpp"
#include "smart_router/upstream/upstream_pool.hpp"

namespace smart_router::http {

// Outcome of one attempt on an upstream endpoint (label of smart_router_upstream_requests_total).
// timeout, per_try_timeout and cancelled are the router's own doing: never held against the
// endpoint.
enum class AttemptOutcome : std::uint8_t {
  success,
  http_5xx,
  connect_failure,
  reset,
  timeout,  // the request's deadline (timeout_ms) passed
  bad_response,
  per_try_timeout,  // the class's per_try_timeout_ms passed: abandoned for a retry
  cancelled,        // a hedged try that lost the race: closed
  kCount
};
const std::string& outcome_name(AttemptOutcome o);

// How a hedge ended (label `result` of smart_router_hedges_total).
enum class HedgeResult : std::uint8_t {
  won,      // its answer was relayed
  lost,     // another try answered first, or it failed
  skipped,  // due, but no retry budget, pool slot or endpoint was free for it
  kCount
};
const std::string& hedge_result_name(HedgeResult r);

// Why a request was refused 503 overloaded (label `reason` of
// smart_router_overload_rejections_total).
enum class Refusal : std::uint8_t { router_limit, queue_full, deadline, queue_timeout, kCount };
const std::string& refusal_name(Refusal r);
Refusal refusal_of(overload::AdmitResult r);  // a result other than `admitted`

// Per pool and tier class: the admission metrics, cached so that a refusal or a queued request
// looks nothing up.
struct PoolClassMetrics {
  prometheus::Histogram* queue_wait = nullptr;
  std::array<prometheus::Counter*, static_cast<std::size_t>(Refusal::kCount)> refusals{};
};

struct PoolRuntime {
  std::shared_ptr<upstream::UpstreamPool> pool;
  observability::TierMetrics* tier_metrics = nullptr;  // tier label = pool name
  prometheus::Counter* retries = nullptr;
  prometheus::Counter* retry_budget_exhausted = nullptr;
  std::array<prometheus::Counter*, static_cast<std::size_t>(HedgeResult::kCount)> hedges{};
  // The pool's concurrency limit and queue (router-wide; kept across reloads).
  std::shared_ptr<overload::PoolAdmission> admission;
  std::vector<PoolClassMetrics> per_class;  // by tier class, config order
  // Per endpoint (same order as pool->endpoints()), per outcome.
  std::vector<std::array<prometheus::Counter*, static_cast<std::size_t>(AttemptOutcome::kCount)>>
      outcomes;

  prometheus::Counter& outcome(const upstream::Endpoint& ep, AttemptOutcome o) const;
  // The pool's requests in flight, router-wide: what the retry budget is a share of. The
  // pipeline already counts them for smart_router_in_flight_requests, so reading that gauge
  // (one atomic load) costs the hot path nothing more.
  std::int64_t requests_in_flight() const;
};

struct ClassRuntime {
  const config::TierClass* cls = nullptr;
  std::size_t index = 0;  // in RouterSnapshot::classes (and PoolRuntime::per_class)
  const PoolRuntime* pool = nullptr;
  const overload::ClassLevels* levels = nullptr;  // its shares of every limit
  prometheus::Counter* shed = nullptr;
  prometheus::Counter* budget_exceeded = nullptr;
  observability::LatencyHistogram* duration = nullptr;  // tier = its pool, user_tier = it
  prometheus::Counter* slo_requests = nullptr;
  prometheus::Counter* slo_good_requests = nullptr;
  ratelimit::ClassLimits rate_limits;  // rate_limits.classes.<name>; inactive when absent
  std::string access_log_fields;       // its pool and name as the access log writes them
};

// What metrics and the access log call a request no route took.
inline constexpr std::string_view kNoRoute = "none";

struct RouterSnapshot {
  std::shared_ptr<const config::Config> config;
  std::unique_ptr<tier::TierClassifier> classifier;
  std::unique_ptr<routing::RouteTable> routes;
  std::vector<PoolRuntime> pools;                   // config order
  std::vector<ClassRuntime> classes;                // config order
  std::vector<overload::ClassLevels> class_levels;  // per class, config order
  std::vector<const PoolRuntime*> route_pools;      // per route: its `pool:` action, else nullptr
  // Per route, its name as the access log writes it; one more, last, for "none".
  std::vector<std::string> route_access_log_fields;
  tier::CidrSet trusted_proxies;  // server.trusted_proxies
  std::uint64_t generation = 0;

  const PoolRuntime* find_pool(const std::string& name) const;
  // The access log's route field for `route` (one of config->routes), or for "none".
  std::string_view route_access_log_field(const config::Route* route) const;
  // Pools some route can reach (for /ready).
  std::vector<const PoolRuntime*> reachable_pools() const;
};

// Compiles `cfg`. Throws std::invalid_argument when it cannot be served (the validator catches
// nearly everything before this point; e.g. a JWT key file that vanished). Pools take their
// admission state from `admissions` (configured with the new limits), and classes their
// rate-limit buckets from `rate_limits` (which keeps them across reloads), and JWT verification
// its JWKS keys from `jwks`; fresh ones when null.
std::shared_ptr<const RouterSnapshot> build_snapshot(
    config::Config cfg, upstream::EndpointRegistry& endpoints, observability::Metrics& metrics,
    const config::EnvLookup& env, std::uint64_t generation,
    overload::PoolAdmissionRegistry* admissions = nullptr,
    ratelimit::RateLimitState* rate_limits = nullptr, tier::JwksStores* jwks = nullptr);

// The published snapshot. Workers poll generation() (one relaxed load) and reload on change.
class SnapshotStore {
 public:
  std::shared_ptr<const RouterSnapshot> load() const { return current_.load(); }
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  void publish(std::shared_ptr<const RouterSnapshot> s) {
    const auto gen = s->generation;
    current_.store(std::move(s));
    generation_.store(gen, std::memory_order_release);
  }

 private:
  std::atomic<std::shared_ptr<const RouterSnapshot>> current_;
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace smart_router::http
