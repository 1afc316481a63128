#include "smart_router/http/router_snapshot.hpp"

#include <algorithm>

#include "smart_router/overload/admission.hpp"

namespace smart_router::http {

const std::string& outcome_name(AttemptOutcome o) {
  static const std::array<std::string, static_cast<std::size_t>(AttemptOutcome::kCount)> kNames = {
      "success", "http_5xx", "connect_failure", "reset", "timeout", "bad_response"};
  return kNames[static_cast<std::size_t>(o)];
}

prometheus::Counter& PoolRuntime::outcome(const upstream::Endpoint& ep, AttemptOutcome o) const {
  const auto& eps = pool->endpoints();
  for (std::size_t i = 0; i < eps.size(); ++i)
    if (eps[i].get() == &ep) return *outcomes[i][static_cast<std::size_t>(o)];
  return *outcomes.front()[static_cast<std::size_t>(o)];  // unreachable: ep comes from the pool
}

const PoolRuntime* RouterSnapshot::find_pool(const std::string& name) const {
  for (const auto& p : pools)
    if (p.pool->name() == name) return &p;
  return nullptr;
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

// server.tls: the certificate chain and key, loaded now so a bad file fails the reload.
std::shared_ptr<boost::asio::ssl::context> server_tls_context(const config::ServerTls& cfg) {
  namespace ssl = boost::asio::ssl;
  auto tls = std::make_shared<ssl::context>(ssl::context::tls_server);
  tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  boost::system::error_code ec;
  tls->use_certificate_chain_file(cfg.cert_file, ec);
  if (ec)
    throw std::invalid_argument("server.tls.cert_file " + cfg.cert_file + ": " + ec.message());
  tls->use_private_key_file(cfg.key_file, ssl::context::pem, ec);
  if (ec) throw std::invalid_argument("server.tls.key_file " + cfg.key_file + ": " + ec.message());
  return tls;
}

// A pool with its endpoints (shared across snapshots through the registry) and the handles of
// its metrics.
PoolRuntime compile_pool(const config::Pool& p, upstream::EndpointRegistry& endpoints,
                         observability::Metrics& metrics) {
  std::vector<std::shared_ptr<upstream::Endpoint>> eps;
  for (const auto& address : p.endpoints) eps.push_back(endpoints.get(p.name, address));
  PoolRuntime rt;
  rt.pool = std::make_shared<upstream::UpstreamPool>(p, std::move(eps));
  rt.tier_metrics = &metrics.tier(p.name);
  rt.retries = &metrics.retries(p.name);
  for (const auto& ep : rt.pool->endpoints()) {
    auto& row = rt.outcomes.emplace_back();
    for (std::size_t o = 0; o < row.size(); ++o)
      row[o] = &metrics.upstream_requests(p.name, ep->address(),
                                          outcome_name(static_cast<AttemptOutcome>(o)));
  }
  return rt;
}

ClassRuntime compile_class(const config::TierClass& cls, const RouterSnapshot& snap,
                           observability::Metrics& metrics) {
  ClassRuntime rt;
  rt.cls = &cls;
  rt.pool = snap.find_pool(cls.pool);
  if (rt.pool == nullptr)
    throw std::invalid_argument("tier class " + cls.name + " names unknown pool " + cls.pool);
  rt.shed_limit =
      overload::Admission::class_limit(snap.config->overload.max_in_flight, cls.shed_at_percent);
  rt.shed = &metrics.shed(cls.name);
  rt.budget_exceeded = &metrics.budget_exceeded(cls.pool, cls.name);
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

}  // namespace

std::shared_ptr<const RouterSnapshot> build_snapshot(config::Config cfg,
                                                     upstream::EndpointRegistry& endpoints,
                                                     observability::Metrics& metrics,
                                                     const config::EnvLookup& env,
                                                     std::uint64_t generation) {
  auto snap = std::make_shared<RouterSnapshot>();
  snap->config = std::make_shared<const config::Config>(std::move(cfg));
  snap->generation = generation;
  const auto& c = *snap->config;
  snap->classifier = std::make_unique<tier::TierClassifier>(c.tiers, env, &metrics);
  snap->routes = std::make_unique<routing::RouteTable>(c.routes);
  if (c.server.tls) snap->server_tls = server_tls_context(*c.server.tls);
  snap->pools.reserve(c.pools.size());  // ClassRuntime and route_pools point into it
  for (const auto& p : c.pools) snap->pools.push_back(compile_pool(p, endpoints, metrics));
  for (const auto& cls : c.tiers.classes)
    snap->classes.push_back(compile_class(cls, *snap, metrics));
  for (const auto& route : c.routes) snap->route_pools.push_back(route_pool(route, *snap));
  return snap;
}

}  // namespace smart_router::http
