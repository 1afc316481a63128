#include "smart_router/http/phases.hpp"

#include "smart_router/http/header_rules.hpp"
#include "smart_router/http/path_normalizer.hpp"
#include "smart_router/http/request_id.hpp"

namespace smart_router::http {
namespace bhttp = boost::beast::http;

namespace {

std::string_view sv(boost::beast::string_view s) {
  return {s.data(), s.size()};
}

std::optional<std::string_view> find_header(const bhttp::fields& f, std::string_view name) {
  auto it = f.find(boost::beast::string_view(name.data(), name.size()));
  if (it == f.end()) return std::nullopt;
  return sv(it->value());
}

std::optional<std::string_view> header_lookup(const void* ctx, std::string_view name) {
  return find_header(*static_cast<const bhttp::fields*>(ctx), name);
}

// An ejection ends by time, not by an event, so smart_router_upstream_ejected is read off the
// endpoints when scraped (the one place that sets it).
void refresh_ejected_gauges(const Request& req, std::int64_t now_ms) {
  for (const auto* p : req.snap.reachable_pools())
    for (const auto& ep : p->pool->endpoints())
      req.worker.ctx.metrics.upstream_ejected(p->pool->name(), ep->address())
          .Set(ep->ejected(now_ms) ? 1 : 0);
}

}  // namespace

std::optional<ProxyError> begin(Request& req) {
  const auto& head = req.down.request().get();
  auto id = find_header(head, "x-request-id");
  if (id && is_acceptable_request_id(*id))
    req.request_id.assign(*id);
  else
    generate_request_id(req.request_id);
  req.down.set_http10(head.version() < 11);
  req.down.set_keep_alive(head.keep_alive() && !req.worker.ctx.draining.load());
  auto expect = find_header(head, "expect");
  auto& d = req.decided;
  d.expects_continue = expect && iequals(*expect, "100-continue");
  TargetView view;
  auto refused = normalize_target(sv(head.target()), d.normalized, view);
  if (!refused.empty()) return ProxyError{ErrorKind::bad_request, std::move(refused), 0, {}, {}};
  d.path = view.path;
  d.target = view.target;
  return std::nullopt;
}

std::optional<admin::AdminAnswer> admin(const Request& req) {
  const auto path = req.decided.path;
  const bool on_this_listener =
      req.down.connection().admin_only || req.snap.config->admin.listen.empty();
  if (!on_this_listener || !admin::is_admin_path(path)) return std::nullopt;
  const auto method = req.down.request().get().method();
  if (method != bhttp::verb::get && method != bhttp::verb::head) return std::nullopt;
  const auto now = upstream::steady_now_ms();
  if (path == "/metrics") refresh_ejected_gauges(req, now);
  std::vector<admin::PoolStatus> pools;
  for (const auto* p : req.snap.reachable_pools())
    pools.push_back({p->pool->name(), p->pool->healthy_count(now), p->pool->endpoints().size()});
  return admin::answer_admin(path, req.worker.ctx.draining.load(), pools, req.worker.ctx.metrics);
}

std::optional<ProxyError> classify_tier(Request& req) {
  const auto& head = req.down.request().get();
  const auto& tiers = req.snap.config->tiers;
  tier::TierInputs in;
  in.tier_header = find_header(head, tiers.header);
  if (tiers.trust.mode == config::TrustMode::jwt)
    in.jwt_header = find_header(head, tiers.trust.jwt.header);
  in.peer = req.down.connection().peer;
  const auto d = req.snap.classifier->classify(in);
  if (d.outcome == tier::TierOutcome::unknown_tier)
    return ProxyError{ErrorKind::unknown_tier, "unknown tier in " + tiers.header, 0, {}, {}};
  if (d.outcome == tier::TierOutcome::unauthorized)
    return ProxyError{ErrorKind::unauthorized, "the tier claim could not be verified", 0, {}, {}};
  req.decided.cls = &req.snap.classes[d.class_index];
  return std::nullopt;
}

std::optional<ProxyError> match_route(Request& req) {
  const auto& head = req.down.request().get();
  auto& d = req.decided;
  routing::RequestView view;
  view.method = sv(head.method_string());
  view.path = d.path;
  view.tier = d.cls->cls->name;
  view.header = &header_lookup;
  view.header_ctx = static_cast<const bhttp::fields*>(&head);
  const auto decision = req.snap.routes->match(view);
  if (!decision) return ProxyError{ErrorKind::no_route, {}, 0, {}, {}};
  d.route = decision->route;
  switch (d.route->action) {
    case config::RouteActionKind::respond:
      return ProxyError{ErrorKind::route_respond,
                        "refused by route " + d.route->name,
                        d.route->respond.status,
                        d.route->respond.error,
                        {}};
    case config::RouteActionKind::pool:
      d.pool = req.snap.route_pools[decision->route_index];
      break;
    case config::RouteActionKind::tier_pool:
      d.pool = d.cls->pool;
      break;
  }
  return std::nullopt;
}

std::optional<ProxyError> admit(Request& req) {
  const auto& cls = *req.decided.cls;
  if (!req.worker.ctx.admission.try_admit(cls.shed_limit)) {
    cls.shed->Increment();
    return ProxyError{ErrorKind::overloaded, {}, 0, {}, {}};
  }
  req.admission = overload::AdmissionGuard(req.worker.ctx.admission);
  req.decided.deadline = req.started + std::chrono::milliseconds(cls.cls->timeout_ms);
  return std::nullopt;
}

}  // namespace smart_router::http
