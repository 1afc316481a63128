#include "smart_router/http/phases.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <span>

#include "smart_router/common/beast_view.hpp"
#include "smart_router/http/client_address.hpp"
#include "smart_router/http/grpc.hpp"
#include "smart_router/http/header_rules.hpp"
#include "smart_router/http/path_normalizer.hpp"
#include "smart_router/http/request_id.hpp"
#include "smart_router/http/trace_context.hpp"
#include "smart_router/tier/jwks_store.hpp"

namespace smart_router::http {
namespace bhttp = boost::beast::http;

namespace {

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
// The pools' queue depth, concurrency limit and retries in flight are read off their admission
// the same way.
void refresh_scraped_gauges(const Request& req, std::int64_t now_ms) {
  auto& metrics = req.worker.ctx.metrics;
  for (const auto* p : req.snap.reachable_pools()) {
    for (const auto& ep : p->pool->endpoints())
      metrics.upstream_ejected(p->pool->name(), ep->address()).Set(ep->ejected(now_ms) ? 1 : 0);
    metrics.pool_panic(p->pool->name()).Set(p->pool->in_panic(now_ms) ? 1 : 0);
  }
  for (const auto& p : req.snap.pools) {
    const auto& a = *p.admission;
    metrics.queue_depth(a.pool()).Set(static_cast<double>(a.waiting()));
    metrics.pool_concurrency_limit(a.pool()).Set(a.limited() ? static_cast<double>(a.limit()) : 0);
    metrics.pool_latency_baseline(a.pool()).Set(
        std::chrono::duration<double>(a.latency_baseline()).count());
    metrics.retries_in_flight(a.pool()).Set(static_cast<double>(a.retry_budget().in_flight()));
  }
}

Clock::time_point request_deadline(const Request& req) {
  const auto& hint = req.decided.budget_hint;
  const bool trusted = !hint.empty() && req.snap.classifier->trusts_peer(req.decided.client);
  return req.started +
         request_budget(req.decided.cls->cls->timeout_ms, hint, trusted, req.decided.grpc_timeout);
}

// The headers begin() reads by name, in one pass over the fields: a find() by name costs a
// hash and a tree search each, a few hundred instructions a request for three of them.
struct NamedHeaders {
  std::optional<std::string_view> request_id;
  std::optional<std::string_view> expect;
  std::string_view budget;        // X-Request-Budget-Ms, "" when absent
  std::string_view grpc_timeout;  // the first grpc-timeout, "" when absent
  bool grpc = false;              // content-type application/grpc*
  std::string_view traceparent;
  std::string_view tracestate;  // the first one
  std::uint8_t traceparents = 0;
  std::uint8_t tracestates = 0;
  // X-Forwarded-For lines, in order (looked for only from a trusted proxy). More lines than
  // this are one more malformed entry: the walk stops before the first ones.
  std::array<std::string_view, 8> xff{};
  std::size_t xff_lines = 0;
  bool xff_overflow = false;
};

constexpr std::string_view kTraceparent = "traceparent";
constexpr std::string_view kTracestate = "tracestate";

// Counts a repeated header up to 2 (more says nothing new); keeps the first value.
void note(std::string_view value, std::string_view& first, std::uint8_t& count) {
  if (count == 0) first = value;
  if (count < 2) ++count;
}

void add_xff_line(NamedHeaders& h, std::string_view value) {
  if (h.xff_lines == h.xff.size()) {
    h.xff_overflow = true;
    h.xff[h.xff.size() - 1] = value;  // keep the last line; the walk ends with it
    return;
  }
  h.xff[h.xff_lines++] = value;
}

NamedHeaders scan_named_headers(const bhttp::fields& f, bool want_xff) {
  static constexpr std::string_view kRequestId = "x-request-id";
  static constexpr std::string_view kBudget = "x-request-budget-ms";
  static constexpr std::string_view kXff = "x-forwarded-for";
  static constexpr std::string_view kGrpcTimeout = "grpc-timeout";
  NamedHeaders h;
  for (const auto& field : f) {
    if (field.name() == bhttp::field::expect) {
      if (!h.expect) h.expect = sv(field.value());
      continue;
    }
    if (field.name() == bhttp::field::content_type) {
      h.grpc = h.grpc || is_grpc_content_type(sv(field.value()));
      continue;
    }
    const auto name = sv(field.name_string());
    if (name.size() == kRequestId.size() && !h.request_id && iequals(name, kRequestId))
      h.request_id = sv(field.value());
    else if (name.size() == kBudget.size() && h.budget.empty() && iequals(name, kBudget))
      h.budget = sv(field.value());
    else if (name.size() == kTraceparent.size() && iequals(name, kTraceparent))
      note(sv(field.value()), h.traceparent, h.traceparents);
    else if (name.size() == kTracestate.size() && iequals(name, kTracestate))
      note(sv(field.value()), h.tracestate, h.tracestates);
    else if (name.size() == kGrpcTimeout.size() && h.grpc_timeout.empty() &&
             iequals(name, kGrpcTimeout))
      h.grpc_timeout = sv(field.value());
    else if (want_xff && name.size() == kXff.size() && iequals(name, kXff))
      add_xff_line(h, sv(field.value()));
  }
  return h;
}

// The caller's trace continued when it sent one valid traceparent (two are as good as none: the
// spec's test suite restarts the trace), else a new one. Repeated tracestate fields form one
// list (RFC 9110 5.3), joined only in that rare case.
void begin_trace(Request& req, const NamedHeaders& named) {
  const auto incoming =
      named.traceparents == 1 ? parse_traceparent(named.traceparent) : std::nullopt;
  std::string_view state;
  if (incoming && named.tracestates > 0) {
    std::string_view combined = named.tracestate;
    if (named.tracestates > 1) {
      auto& joined = req.scratch.tracestate;
      joined.clear();
      for (const auto& field : req.down.request().get()) {
        const auto name = sv(field.name_string());
        if (name.size() != kTracestate.size() || !iequals(name, kTracestate)) continue;
        if (!joined.empty()) joined += ',';
        joined += sv(field.value());
      }
      combined = joined;
    }
    state = bound_tracestate(combined, req.scratch.tracestate);
  }
  req.trace.begin(incoming, state);
}

// The client behind trusted proxies (server.trusted_proxies); the peer otherwise.
void resolve_client_address(Request& req, const NamedHeaders& named) {
  auto& d = req.decided;
  std::span<const std::string_view> lines(named.xff.data(), named.xff_lines);
  if (named.xff_overflow) lines = lines.subspan(lines.size() - 1);  // only the last is walked
  const auto found = resolve_client(d.client, lines, req.snap.trusted_proxies);
  if (found == d.client) return;
  d.client = found;
  d.client_text = d.client.to_string();
  d.client_ip = d.client_text;
}

const PoolClassMetrics& admission_metrics(const Request& req) {
  return req.decided.pool->per_class[req.decided.cls->index];
}

ProxyError overloaded(const Request& req, Refusal why, std::string message) {
  req.decided.cls->shed->Increment();
  admission_metrics(req).refusals[static_cast<std::size_t>(why)]->Increment();
  return ProxyError{ErrorKind::overloaded, std::move(message), 0, {}, {}};
}

// The class's rate limits (ratelimit/): the 429 to answer, with Retry-After and the RateLimit
// fields, or nullopt.
std::optional<ProxyError> rate_limit(const Request& req) {
  const auto& limits = req.decided.cls->rate_limits;
  if (!limits.active()) return std::nullopt;
  const auto& head = req.down.request().get();
  const ratelimit::RequestFacts facts{req.decided.jwt_subject, req.decided.client, &header_lookup,
                                      static_cast<const bhttp::fields*>(&head)};
  auto refused = limits.check(facts, req.started.time_since_epoch());
  if (!refused) return std::nullopt;
  return ProxyError{
      ErrorKind::rate_limited, std::move(refused->message), 0, {}, std::move(refused->headers)};
}

}  // namespace

std::chrono::milliseconds request_budget(std::uint32_t timeout_ms, std::string_view hint,
                                         bool hint_trusted,
                                         std::optional<std::chrono::milliseconds> grpc_timeout) {
  auto budget = std::chrono::milliseconds(timeout_ms);
  if (grpc_timeout) budget = std::min(budget, *grpc_timeout);
  if (!hint_trusted || hint.empty()) return budget;
  std::uint32_t ms = 0;
  const auto* end = hint.data() + hint.size();
  if (auto [p, ec] = std::from_chars(hint.data(), end, ms); ec == std::errc() && p == end)
    budget = std::min(budget, std::chrono::milliseconds(ms));
  return budget;
}

tier::TierInputs tier_inputs(const bhttp::fields& head, const config::Tiers& tiers,
                             const boost::asio::ip::address& peer) {
  tier::TierInputs in;
  in.tier_header = find_header(head, tiers.header);
  in.tier_header_repeated = in.tier_header && head.count(boost::beast::string_view(
                                                  tiers.header.data(), tiers.header.size())) > 1;
  if (tiers.trust.mode == config::TrustMode::jwt)
    in.jwt_header = find_header(head, tiers.trust.jwt.header);
  in.peer = peer;
  return in;
}

routing::RequestView route_view(const bhttp::request_header<>& head, std::string_view path,
                                std::string_view tier) {
  routing::RequestView view;
  view.method = sv(head.method_string());
  view.path = path;
  view.tier = tier;
  view.header = &header_lookup;
  view.header_ctx = static_cast<const bhttp::fields*>(&head);
  return view;
}

std::optional<ProxyError> begin(Request& req) {
  const auto& head = req.down.request().get();
  const auto named = scan_named_headers(head, !req.snap.trusted_proxies.empty());
  resolve_client_address(req, named);
  if (named.request_id && is_acceptable_request_id(*named.request_id))
    req.request_id.assign(*named.request_id);
  else
    generate_request_id(req.request_id);
  begin_trace(req, named);
  req.down.set_http10(head.version() < 11);
  req.down.set_keep_alive(head.keep_alive() && !req.worker.ctx.draining.load());
  auto& d = req.decided;
  // RFC 9110 10.1.1: an HTTP/1.0 request's expectation is ignored (a 1xx would be taken for
  // its answer, 15.2).
  d.expects_continue = named.expect && iequals(*named.expect, "100-continue") && !req.down.http10();
  d.budget_hint = named.budget;
  d.grpc = named.grpc;
  d.grpc_timeout =
      named.grpc_timeout.empty() ? std::nullopt : parse_grpc_timeout(named.grpc_timeout);
  // CONNECT asks for a tunnel (RFC 9110 9.3.6), which a reverse proxy does not make: what
  // follows its head would be tunnel bytes, never a next request, so the connection ends too.
  if (head.method() == bhttp::verb::connect) {
    req.down.close_after();
    return ProxyError{
        ErrorKind::not_implemented, "CONNECT is not served: this is a reverse proxy", 0, {}, {}};
  }
  TargetView view;
  auto refused = normalize_target(sv(head.target()), d.normalized, view);
  if (!refused.empty()) return ProxyError{ErrorKind::bad_request, std::move(refused), 0, {}, {}};
  d.path = view.path;
  d.target = view.target;
  return std::nullopt;
}

std::optional<ProxyError> check_method(const Request& req) {
  const auto& allowed = req.snap.config->server.allowed_methods;
  if (allowed.empty()) return std::nullopt;
  const auto& head = req.down.request().get();
  const auto method = sv(head.method_string());
  if (std::find(allowed.begin(), allowed.end(), method) != allowed.end()) return std::nullopt;
  if (head.method() == bhttp::verb::unknown)
    return ProxyError{ErrorKind::not_implemented,
                      "method " + std::string(method) + " is not implemented here",
                      0,
                      {},
                      {}};
  std::string allow;
  for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
  return ProxyError{ErrorKind::method_not_allowed,
                    "method " + std::string(method) + " is not allowed (server.allowed_methods)",
                    0,
                    {},
                    {{"Allow", std::move(allow)}}};
}

std::optional<admin::AdminAnswer> admin(const Request& req) {
  const auto path = req.decided.path;
  const bool admin_listener = req.down.connection().admin_only;
  const bool debug = admin_listener && admin::is_debug_path(path);  // never on the public one
  const bool on_this_listener = admin_listener || req.snap.config->admin.listen.empty();
  if (!debug && (!on_this_listener || !admin::is_admin_path(path))) return std::nullopt;
  const auto method = req.down.request().get().method();
  if (method != bhttp::verb::get && method != bhttp::verb::head) return std::nullopt;
  if (debug) return admin::answer_debug(path, *req.snap.config, req.snap.generation);
  const auto now = upstream::steady_now_ms();
  if (path == "/metrics") refresh_scraped_gauges(req, now);
  std::vector<admin::PoolStatus> pools;
  for (const auto* p : req.snap.reachable_pools())
    pools.push_back({p->pool->name(), p->pool->healthy_count(), p->pool->endpoints().size(),
                     p->pool->ejected_count(now), p->pool->in_panic(now)});
  std::optional<admin::JwksStatus> jwks;
  if (const auto* store = req.snap.classifier->jwks()) {
    auto st = store->status();
    jwks = admin::JwksStatus{st.attempted, st.keys, std::move(st.last_error)};
  }
  return admin::answer_admin(path, req.worker.ctx.draining.load(), pools, req.worker.ctx.metrics,
                             jwks);
}

std::optional<ProxyError> classify_tier(Request& req) {
  const auto& tiers = req.snap.config->tiers;
  const auto in = tier_inputs(req.down.request().get(), tiers, req.decided.client);
  auto d = req.snap.classifier->classify(in);
  if (d.outcome == tier::TierOutcome::unknown_tier)
    return ProxyError{ErrorKind::unknown_tier, "unknown tier in " + tiers.header, 0, {}, {}};
  if (d.outcome == tier::TierOutcome::unauthorized)
    return ProxyError{ErrorKind::unauthorized, "the tier claim could not be verified", 0, {}, {}};
  req.decided.cls = &req.snap.classes[d.class_index];
  req.decided.jwt_subject = std::move(d.jwt_subject);
  return std::nullopt;
}

std::optional<ProxyError> match_route(Request& req) {
  auto& d = req.decided;
  const auto decision =
      req.snap.routes->match(route_view(req.down.request().get(), d.path, d.cls->cls->name));
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

AdmitVerdict admit(Request& req) {
  // First: a limited request costs no more than this and never holds a slot.
  if (auto limited = rate_limit(req)) return {std::move(limited), false};
  auto& ctx = req.worker.ctx;
  auto& d = req.decided;
  d.deadline = request_deadline(req);
  const auto& levels = *d.cls->levels;
  if (!ctx.admission.try_admit(levels, req.snap.config->overload.max_in_flight))
    return {overloaded(req, Refusal::router_limit,
                       "the router is at overload.max_in_flight for this tier"),
            false};
  req.admission = overload::AdmissionGuard(ctx.admission, levels.slot);
  auto& pool = *d.pool->admission;
  if (!pool.limited()) return {};
  if (!pool.try_acquire(levels)) return {std::nullopt, true};
  req.pool_slot = overload::PoolSlot(pool, levels.slot);
  return {};
}

boost::asio::awaitable<std::optional<ProxyError>> wait_for_pool(Request& req) {
  auto& d = req.decided;
  auto& pool = *d.pool->admission;
  const auto& levels = *d.cls->levels;
  const auto queued_at = Clock::now();
  const auto result =
      co_await pool.wait(levels, d.deadline, req.down.connection().stream.get_executor());
  req.outcome.queue_wait = Clock::now() - queued_at;
  admission_metrics(req).queue_wait->Observe(
      std::chrono::duration<double>(req.outcome.queue_wait).count());
  if (result == overload::AdmitResult::admitted) {
    req.pool_slot = overload::PoolSlot(pool, levels.slot);
    co_return std::nullopt;
  }
  const Refusal why = refusal_of(result);
  co_return overloaded(req, why,
                       "pool " + pool.pool() +
                           " is at its concurrency limit and the request could not be served " +
                           "before its deadline (" + refusal_name(why) + ")");
}

}  // namespace smart_router::http
