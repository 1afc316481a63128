#include "smart_router/http/router_snapshot.hpp"

#include <algorithm>
#include <cmath>

#include "smart_router/ratelimit/limiter.hpp"

namespace smart_router::http {

const std::string& outcome_name(AttemptOutcome o) {
  static const std::array<std::string, static_cast<std::size_t>(AttemptOutcome::kCount)> kNames = {
      "success", "http_5xx",     "connect_failure", "reset",
      "timeout", "bad_response", "per_try_timeout", "cancelled"};
  return kNames[static_cast<std::size_t>(o)];
}

const std::string& hedge_result_name(HedgeResult r) {
  static const std::array<std::string, static_cast<std::size_t>(HedgeResult::kCount)> kNames = {
      "won", "lost", "skipped"};
  return kNames[static_cast<std::size_t>(r)];
}

std::int64_t PoolRuntime::requests_in_flight() const {
  return std::llround(tier_metrics->in_flight->Value());
}

prometheus::Counter& PoolRuntime::outcome(const upstream::Endpoint& ep, AttemptOutcome o) const {
  const auto& eps = pool->endpoints();
  for (std::size_t i = 0; i < eps.size(); ++i)
    if (eps[i].get() == &ep) return *outcomes[i][static_cast<std::size_t>(o)];
  return *outcomes.front()[static_cast<std::size_t>(o)];  // unreachable: ep comes from the pool
}

const std::string& refusal_name(Refusal r) {
  static const std::array<std::string, static_cast<std::size_t>(Refusal::kCount)> kNames = {
      "router_limit", "queue_full", "deadline", "queue_timeout"};
  return kNames[static_cast<std::size_t>(r)];
}

Refusal refusal_of(overload::AdmitResult r) {
  switch (r) {
    case overload::AdmitResult::queue_full:
      return Refusal::queue_full;
    case overload::AdmitResult::deadline:
      return Refusal::deadline;
    case overload::AdmitResult::timed_out:
    case overload::AdmitResult::admitted:
      break;
  }
  return Refusal::queue_timeout;
}

const PoolRuntime* RouterSnapshot::find_pool(const std::string& name) const {
  for (const auto& p : pools)
    if (p.pool->name() == name) return &p;
  return nullptr;
}

std::string_view RouterSnapshot::route_access_log_field(const config::Route* route) const {
  const auto index = route != nullptr ? static_cast<std::size_t>(route - config->routes.data())
                                      : config->routes.size();
  return route_access_log_fields[index];
}

std::vector<const PoolRuntime*> RouterSnapshot::reachable_pools() const {
  std::vector<const PoolRuntime*> out;
  auto add = [&](const PoolRuntime* p) {
    if (p != nullptr && std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  };
  bool any_tier_pool = false;
  for (std::size_t i = 0; i < config->routes.size(); ++i) {
    if (config->routes[i].action == config::RouteActionKind::tier_pool) any_tier_pool = true;
    add(route_pools[i]);
  }
  if (any_tier_pool)
    for (const auto& c : classes) add(c.pool);
  return out;
}

namespace {

overload::PoolAdmissionSettings admission_settings(const config::Pool& p) {
  const auto& c = p.concurrency;
  overload::PoolAdmissionSettings s;
  s.retry_percent = p.retry_budget.percent;
  s.retry_min_concurrent = p.retry_budget.min_concurrent;
  s.limit = c.limit;
  s.adaptive = c.adaptive;
  s.adaptive_settings.min_limit = c.min_limit;
  s.adaptive_settings.tolerance = c.tolerance_percent / 100.0;
  s.queue_length = c.queue_length;
  return s;
}

// A pool with its endpoints (shared across snapshots through the registry) and the handles of
// its metrics.
PoolRuntime compile_pool(const config::Pool& p, const std::vector<config::TierClass>& classes,
                         upstream::EndpointRegistry& endpoints, observability::Metrics& metrics,
                         overload::PoolAdmissionRegistry* admissions) {
  std::vector<std::shared_ptr<upstream::Endpoint>> eps;
  for (const auto& address : p.endpoints) eps.push_back(endpoints.get(p.name, address));
  PoolRuntime rt;
  rt.pool = std::make_shared<upstream::UpstreamPool>(p, std::move(eps));
  rt.tier_metrics = &metrics.tier(p.name);
  rt.retries = &metrics.retries(p.name);
  rt.retry_budget_exhausted = &metrics.retry_budget_exhausted(p.name);
  for (std::size_t h = 0; h < rt.hedges.size(); ++h)
    rt.hedges[h] = &metrics.hedges(p.name, hedge_result_name(static_cast<HedgeResult>(h)));
  rt.admission = admissions != nullptr ? admissions->get(p.name)
                                       : std::make_shared<overload::PoolAdmission>(p.name);
  for (const auto& cls : classes) {
    auto& m = rt.per_class.emplace_back();
    m.queue_wait = &metrics.queue_wait(p.name, cls.name);
    for (std::size_t r = 0; r < m.refusals.size(); ++r)
      m.refusals[r] =
          &metrics.overload_rejections(p.name, cls.name, refusal_name(static_cast<Refusal>(r)));
  }
  for (const auto& ep : rt.pool->endpoints()) {
    auto& row = rt.outcomes.emplace_back();
    for (std::size_t o = 0; o < row.size(); ++o)
      row[o] = &metrics.upstream_requests(p.name, ep->address(),
                                          outcome_name(static_cast<AttemptOutcome>(o)));
  }
  return rt;
}

ClassRuntime compile_class(const config::TierClass& cls, const overload::ClassLevels& levels,
                           const RouterSnapshot& snap, observability::Metrics& metrics) {
  ClassRuntime rt;
  rt.cls = &cls;
  rt.index = static_cast<std::size_t>(&cls - snap.config->tiers.classes.data());
  rt.levels = &levels;
  rt.pool = snap.find_pool(cls.pool);
  if (rt.pool == nullptr)
    throw std::invalid_argument("tier class " + cls.name + " names unknown pool " + cls.pool);
  rt.shed = &metrics.shed(cls.name);
  // Every class's series exists from the start, as the other families' do (a zero, not an
  // absent series, for `rate(...) > 0` alerts and dashboards), whether it has a limit or not.
  metrics.rate_limited(cls.name, ratelimit::scope_name(ratelimit::Scope::class_wide));
  rt.budget_exceeded = &metrics.budget_exceeded(cls.pool, cls.name);
  rt.duration = &metrics.duration(cls.pool, cls.name);
  rt.slo_requests = &metrics.slo_requests(cls.pool, cls.name);
  rt.slo_good_requests = &metrics.slo_good_requests(cls.pool, cls.name);
  rt.access_log_fields = observability::access_log_field("tier", cls.pool) +
                         observability::access_log_field("user_tier", cls.name);
  return rt;
}

// A route's `pool:` action, or nullptr for the other actions.
const PoolRuntime* route_pool(const config::Route& route, const RouterSnapshot& snap) {
  if (route.action != config::RouteActionKind::pool) return nullptr;
  const PoolRuntime* p = snap.find_pool(route.pool);
  if (p == nullptr)
    throw std::invalid_argument("route " + route.name + " names unknown pool " + route.pool);
  return p;
}

// Each class's shares of every limit, by priority (overload/priority_levels.hpp).
std::vector<overload::ClassLevels> class_levels(const std::vector<config::TierClass>& classes) {
  std::vector<int> priorities;
  std::vector<std::uint32_t> shares;
  for (const auto& cls : classes) {
    priorities.push_back(cls.priority);
    shares.push_back(cls.shed_at_percent);
  }
  return overload::build_class_levels(overload::PrioritySlots(priorities), priorities, shares);
}

}  // namespace

std::shared_ptr<const RouterSnapshot> build_snapshot(
    config::Config cfg, upstream::EndpointRegistry& endpoints, observability::Metrics& metrics,
    const config::EnvLookup& env, std::uint64_t generation,
    overload::PoolAdmissionRegistry* admissions, ratelimit::RateLimitState* rate_limits,
    tier::JwksStores* jwks) {
  auto snap = std::make_shared<RouterSnapshot>();
  snap->config = std::make_shared<const config::Config>(std::move(cfg));
  snap->generation = generation;
  const auto& c = *snap->config;
  snap->classifier = std::make_unique<tier::TierClassifier>(c.tiers, env, &metrics, jwks);
  snap->routes = std::make_unique<routing::RouteTable>(c.routes);
  snap->trusted_proxies = tier::CidrSet(c.server.trusted_proxies);
  snap->pools.reserve(c.pools.size());  // ClassRuntime and route_pools point into it
  for (const auto& p : c.pools)
    snap->pools.push_back(compile_pool(p, c.tiers.classes, endpoints, metrics, admissions));
  snap->class_levels = class_levels(c.tiers.classes);
  for (std::size_t i = 0; i < c.tiers.classes.size(); ++i)
    snap->classes.push_back(
        compile_class(c.tiers.classes[i], snap->class_levels[i], *snap, metrics));
  for (const auto& route : c.routes) {
    snap->route_pools.push_back(route_pool(route, *snap));
    snap->route_access_log_fields.push_back(observability::access_log_field("route", route.name));
  }
  snap->route_access_log_fields.push_back(observability::access_log_field("route", kNoRoute));
  // Last, once nothing can throw: the shared admission state takes the new limits, and each
  // class its rate-limit buckets (an unchanged limit keeps its bucket and what it holds).
  for (std::size_t i = 0; i < c.pools.size(); ++i)
    snap->pools[i].admission->configure(admission_settings(c.pools[i]));
  ratelimit::RateLimitState fresh_rate_limits;
  auto& limits = rate_limits != nullptr ? *rate_limits : fresh_rate_limits;
  for (auto& cls : snap->classes)
    cls.rate_limits = limits.limits_for(c.rate_limits, cls.cls->name, metrics);
  return snap;
}

}  // namespace smart_router::http
