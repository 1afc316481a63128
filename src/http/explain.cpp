#include "smart_router/http/explain.hpp"

#include <algorithm>

#include "smart_router/admin/admin_handler.hpp"
#include "smart_router/config/config_json.hpp"
#include "smart_router/config/enums.hpp"
#include "smart_router/http/grpc.hpp"
#include "smart_router/http/path_normalizer.hpp"
#include "smart_router/http/phases.hpp"
#include "smart_router/http/retry_policy.hpp"
#include "smart_router/ratelimit/rate_limit_state.hpp"

namespace smart_router::http {
namespace {

namespace bhttp = boost::beast::http;
using Json = nlohmann::ordered_json;

Json answer(unsigned status, std::string_view error, std::string why) {
  return {{"status", status}, {"error", std::string(error)}, {"why", std::move(why)}};
}

std::string joined(const std::vector<std::string>& values) {
  std::string out = "[";
  for (const auto& v : values) out += (out.size() > 1 ? ", " : "") + v;
  return out + "]";
}

std::optional<std::string_view> header(const bhttp::fields& f, std::string_view name) {
  const auto it = f.find(boost::beast::string_view(name.data(), name.size()));
  if (it == f.end()) return std::nullopt;
  return std::string_view(it->value().data(), it->value().size());
}

// Why the claim was believed or not, in the words of the trust mode.
std::string trust_why(const config::Tiers& tiers, const tier::TierTrace& t,
                      const boost::asio::ip::address& peer) {
  const auto& trust = tiers.trust;
  const std::string verdict = t.verdict;
  if (verdict == "ignored") return "TIER_ROUTING_ENABLED=false: every request is the default class";
  if (verdict == "absent") return "no tier claim in " + tiers.header;
  if (verdict == "malformed") return t.reason;
  if (verdict == "untrusted") {
    std::string why = t.reason;
    if (trust.mode == config::TrustMode::trusted_peers)
      why += " (peer " + peer.to_string() + ", trusted_cidrs " + joined(trust.trusted_cidrs) + ")";
    return why;
  }
  switch (trust.mode) {
    case config::TrustMode::header:
      return "trust.mode header: the tier header is believed as sent";
    case config::TrustMode::trusted_peers:
      return "peer " + peer.to_string() + " is in trusted_cidrs " + joined(trust.trusted_cidrs);
    case config::TrustMode::jwt:
      return "the token in " + trust.jwt.header + " verified (" + joined(trust.jwt.algorithms) +
             "); its claim \"" + trust.jwt.claim + "\" names the tier";
  }
  return {};
}

Json trust_json(const config::Tiers& tiers, const tier::TierTrace& t,
                const boost::asio::ip::address& peer) {
  Json j = {{"mode", std::string(config::to_string(tiers.trust.mode))}, {"peer", peer.to_string()}};
  j["claim"] = t.claim.empty() ? Json(nullptr) : Json(t.claim);
  if (!t.claim.empty())
    j["claim_from"] =
        t.from_token ? "JWT claim " + tiers.trust.jwt.claim : "header " + tiers.header;
  j["verdict"] = t.verdict;
  j["why"] = trust_why(tiers, t, peer);
  return j;
}

// How the class was arrived at, from what the classifier decided.
std::string class_how(const config::Tiers& tiers, const tier::TierTrace& t,
                      const tier::TierDecision& d, const std::string& name) {
  const std::string verdict = t.verdict;
  if (verdict == "honoured" && !d.downgraded) return "the claim, believed";
  if (!d.downgraded)
    return verdict == "untrusted" ? "the default class " + name + ": claiming it needs no proof"
                                  : "the default class " + name + ": nothing to honour";
  if (verdict == "untrusted")
    return "the default class " + name + ": the claim is not proven (on_untrusted: default)";
  return "the default class " + name + ": the claim \"" + t.claim +
         "\" names no class (on_unknown: " + std::string(config::to_string(tiers.on_unknown)) + ")";
}

Json class_json(const ClassRuntime& cls) {
  const auto& c = *cls.cls;
  return {{"name", c.name},
          {"pool", c.pool},
          {"priority", c.priority},
          {"latency_budget_ms", c.latency_budget_ms},
          {"timeout_ms", c.timeout_ms},
          {"shed_at_percent", c.shed_at_percent}};
}

Json routes_json(const std::vector<routing::RouteTrial>& trials) {
  Json tried = Json::array();
  for (const auto& t : trials) {
    Json checks = Json::array();
    for (const auto& c : t.checks)
      checks.push_back(Json{{"key", c.key}, {"held", c.held}, {"why", c.why}});
    tried.push_back(Json{{"index", t.route_index},
                         {"name", t.route->name},
                         {"match", config::to_json(t.route->match)},
                         {"matched", t.matched},
                         {"checks", checks}});
  }
  return tried;
}

// The priorities of the config's classes, lowest first: PrioritySlots' slot order.
std::vector<int> priority_order(const config::Tiers& tiers) {
  std::vector<int> p;
  for (const auto& c : tiers.classes) p.push_back(c.priority);
  std::sort(p.begin(), p.end());
  p.erase(std::unique(p.begin(), p.end()), p.end());
  return p;
}

// The class's shares of `limit` (overload/priority_levels.hpp): its own level and every higher
// one, each "the requests of priority <= P together hold at most N".
Json shares_json(const ClassRuntime& cls, const config::Tiers& tiers, std::int64_t limit) {
  const auto order = priority_order(tiers);
  Json shares = Json::array();
  for (const auto& check : cls.levels->checks)
    shares.push_back(Json{{"priorities_up_to", order.at(check.top_slot)},
                          {"percent", check.share_percent},
                          {"requests", overload::share_of(limit, check.share_percent)}});
  return shares;
}

Json rate_limits_json(const config::RateLimits& limits, const std::string& cls) {
  const auto* entry = limits.find(cls);
  if (entry == nullptr || (!entry->class_limit && !entry->client && !entry->fleet))
    return "none (no rate_limits.classes." + cls + ")";
  Json j = Json::object();
  if (entry->class_limit)
    j["class"] = {{"requests_per_second", entry->class_limit->requests_per_second},
                  {"burst", ratelimit::effective_burst(*entry->class_limit)}};
  if (entry->client) {
    const auto& c = *entry->client;
    std::string key = c.key == config::ClientKeyKind::client_ip     ? "client_ip"
                      : c.key == config::ClientKeyKind::jwt_subject ? "jwt_subject"
                                                                    : "header:" + c.header;
    j["client"] = {{"key", key},
                   {"requests_per_second", c.rate.requests_per_second},
                   {"burst", ratelimit::effective_burst(c.rate)}};
  }
  if (entry->fleet)
    j["fleet"] = {{"requests_per_second", entry->fleet->requests_per_second},
                  {"burst", ratelimit::effective_burst(*entry->fleet)}};
  return j;
}

Json retries_json(const config::Pool& pool, const bhttp::request_header<>& head) {
  const bool has_body = head.find(bhttp::field::content_length) != head.end() ||
                        head.find(bhttp::field::transfer_encoding) != head.end();
  const auto rules = retry_rules(pool.retries, head.method(), has_body);
  std::vector<std::string> on;
  if (pool.retries.attempts > 0 && rules.on_connect_failure) on.emplace_back("connect_failure");
  if (pool.retries.attempts > 0 && rules.resend_ok && rules.on_reset) on.emplace_back("reset");
  if (pool.retries.attempts > 0 && rules.resend_ok && rules.on_503) on.emplace_back("503");
  return {{"attempts", pool.retries.attempts},
          {"idempotent_only", pool.retries.idempotent_only},
          {"this_request_on", on},
          {"note", "each retry on another endpoint, within the deadline"}};
}

Json limits_json(const RouterSnapshot& snap, const ClassRuntime& cls, const PoolRuntime& pool,
                 const bhttp::request_header<>& head) {
  const auto& cfg = *snap.config;
  const auto& pc = pool.pool->config();
  Json router = {{"max_in_flight", cfg.overload.max_in_flight},
                 {"class_shares", shares_json(cls, cfg.tiers, cfg.overload.max_in_flight)}};
  Json pool_limit = Json::object();
  if (pc.concurrency.limit == 0) {
    pool_limit["limit"] = "none (pools." + pc.name + ".concurrency.limit is 0: no queue)";
  } else {
    pool_limit["limit"] = pc.concurrency.limit;
    pool_limit["adaptive"] = pc.concurrency.adaptive;
    pool_limit["class_shares"] = shares_json(cls, cfg.tiers, pc.concurrency.limit);
    pool_limit["queue_length"] = pc.concurrency.queue_length;
  }
  return {{"rate_limits", rate_limits_json(cfg.rate_limits, cls.cls->name)},
          {"router", router},
          {"pool", pool_limit},
          {"retries", retries_json(pc, head)},
          {"timeouts",
           {{"connect_timeout_ms", pc.connect_timeout_ms},
            {"header_timeout_ms", cfg.server.limits.header_timeout_ms},
            {"idle_timeout_ms", cfg.server.limits.idle_timeout_ms}}}};
}

Json deadline_json(const RouterSnapshot& snap, const ClassRuntime& cls,
                   const bhttp::request_header<>& head, const boost::asio::ip::address& peer) {
  const auto hint = header(head, "X-Request-Budget-Ms").value_or("");
  const bool trusted = snap.classifier->trusts_peer(peer);
  const auto grpc_hint = header(head, "grpc-timeout").value_or("");
  const auto grpc = grpc_hint.empty() ? std::nullopt : parse_grpc_timeout(grpc_hint);
  const auto budget = request_budget(cls.cls->timeout_ms, hint, trusted, grpc);
  Json j = {{"timeout_ms", budget.count()},
            {"class_timeout_ms", cls.cls->timeout_ms},
            {"latency_budget_ms", cls.cls->latency_budget_ms}};
  if (!hint.empty())
    j["budget_hint"] = std::string(hint) + (trusted ? " (from a trusted peer: it may tighten)"
                                                    : " (ignored: the peer is not trusted)");
  if (!grpc_hint.empty())
    j["grpc_timeout"] = std::string(grpc_hint) +
                        (grpc ? " (the client's own: it may tighten)" : " (malformed: ignored)");
  j["note"] = "counts from the end of the request body, retries included; 504 when it passes";
  return j;
}

// Trust, class, routes, route, pool, limits, deadline and the answer, into `out`.
void explain_routed(const RouterSnapshot& snap, const bhttp::request_header<>& head,
                    std::string_view path, const ExplainInput& in, Json& out) {
  const auto& cfg = *snap.config;
  tier::TierTrace trace;
  const auto d = snap.classifier->classify(tier_inputs(head, cfg.tiers, in.peer), &trace);
  out["trust"] = trust_json(cfg.tiers, trace, in.peer);
  if (d.outcome == tier::TierOutcome::unauthorized) {
    out["answer"] =
        answer(401, "unauthorized", "the claim is not proven and on_untrusted is reject");
    return;
  }
  if (d.outcome == tier::TierOutcome::unknown_tier) {
    out["answer"] =
        answer(400, "unknown_tier", "the claim names no class and on_unknown is reject");
    return;
  }
  const auto& cls = snap.classes[d.class_index];
  out["class"] = class_json(cls);
  out["class"]["how"] = class_how(cfg.tiers, trace, d, cls.cls->name);

  const auto trials = snap.routes->explain(route_view(head, path, cls.cls->name));
  out["routes"] = routes_json(trials);
  if (trials.empty() || !trials.back().matched) {
    out["answer"] = answer(404, "no_route", "no route matched");
    return;
  }
  const auto& chosen = trials.back();
  Json not_tried = Json::array();  // the first match wins: those after it are never looked at
  for (std::size_t i = chosen.route_index + 1; i < cfg.routes.size(); ++i)
    not_tried.push_back(cfg.routes[i].name);
  out["routes_not_tried"] = not_tried;
  const auto& route = *chosen.route;
  out["route"] = {{"name", route.name},
                  {"index", chosen.route_index},
                  {"action", std::string(config::to_string(route.action))}};
  if (route.action == config::RouteActionKind::respond) {
    out["answer"] =
        answer(route.respond.status, route.respond.error, "route " + route.name + " answers it");
    return;
  }
  const PoolRuntime* pool = route.action == config::RouteActionKind::pool
                                ? snap.route_pools[chosen.route_index]
                                : cls.pool;
  const auto& pc = pool->pool->config();
  out["pool"] = {{"name", pc.name},
                 {"endpoints", pc.endpoints},
                 {"load_balancing", std::string(config::to_string(pc.load_balancing))},
                 {"why", route.action == config::RouteActionKind::pool
                             ? "the route's pool"
                             : "the pool of class " + cls.cls->name + " (tier_pool)"}};
  out["limits"] = limits_json(snap, cls, *pool, head);
  out["deadline"] = deadline_json(snap, cls, head, in.peer);
  out["answer"] = {{"forward_to", pc.name}};
}

}  // namespace

nlohmann::ordered_json explain_request(const RouterSnapshot& snap, const ExplainInput& in) {
  bhttp::request_header<> head;
  head.method_string(in.method);
  head.target(in.target);
  head.version(11);
  for (const auto& [name, value] : in.headers) head.insert(name, value);

  Json out = Json::object();
  std::string storage;
  TargetView view;
  const auto refused = normalize_target(in.target, storage, view);
  out["request"] = {{"method", in.method}, {"target", in.target}};
  if (!refused.empty()) {
    out["answer"] = answer(400, "bad_request", refused);
    return out;
  }
  out["request"]["path"] = std::string(view.path);
  Json headers = Json::array();
  for (const auto& [name, value] : in.headers) {
    std::string line = name;
    line += ": ";
    line += value;
    headers.push_back(std::move(line));
  }
  out["request"]["headers"] = headers;

  const auto& cfg = *snap.config;
  const bool get_or_head = head.method() == bhttp::verb::get || head.method() == bhttp::verb::head;
  if (cfg.admin.listen.empty() && admin::is_admin_path(view.path) && get_or_head) {
    out["answer"] = answer(200, "",
                           "the router answers " + std::string(view.path) +
                               " itself (admin.listen is empty: served on server.listen)");
    return out;
  }
  if (!cfg.admin.listen.empty())
    out["request"]["listener"] =
        "server.listen (the admin endpoints are on " + cfg.admin.listen + ")";
  explain_routed(snap, head, view.path, in, out);
  return out;
}

}  // namespace smart_router::http
