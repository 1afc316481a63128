// The request pipeline, as named phases:
//   begin -> admin -> classify_tier -> match_route -> admit -> forward -> finish
// Each phase decides; only forward (forwarder.cpp) and the error writer do I/O.
#include <boost/asio/use_awaitable.hpp>
#include <charconv>

#include "smart_router/admin/admin_handler.hpp"
#include "smart_router/common/stream_io.hpp"
#include "smart_router/http/error_response.hpp"
#include "smart_router/http/exchange.hpp"
#include "smart_router/http/header_rules.hpp"
#include "smart_router/http/path_normalizer.hpp"
#include "smart_router/http/request_id.hpp"

namespace smart_router::http {
namespace net = boost::asio;
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

// --- begin: request id, connection semantics, normalised target --------------------------
std::optional<ProxyError> begin(Exchange& ex) {
  const auto& req = ex.request.get();
  auto id = find_header(req, "x-request-id");
  if (id && is_acceptable_request_id(*id))
    ex.request_id.assign(*id);
  else
    generate_request_id(ex.request_id);
  ex.client_http10 = req.version() < 11;
  ex.client_keep_alive = req.keep_alive() && !ex.worker.ctx.draining.load();
  auto expect = find_header(req, "expect");
  ex.expects_continue = expect && iequals(*expect, "100-continue");
  TargetView view;
  auto refused = normalize_target(sv(req.target()), ex.normalized, view);
  if (!refused.empty()) return ProxyError{ErrorKind::bad_request, std::move(refused), 0, {}};
  ex.path = view.path;
  ex.target = view.target;
  return std::nullopt;
}

// --- admin: /health /ready /metrics answered by the router itself -------------------------
// An ejection ends by time, not by an event, so smart_router_upstream_ejected is read off the
// endpoints when scraped (the one place that sets it).
void refresh_ejected_gauges(const Exchange& ex, std::int64_t now_ms) {
  auto& metrics = ex.worker.ctx.metrics;
  for (const auto* p : ex.snap.reachable_pools()) {
    for (const auto& ep : p->pool->endpoints())
      metrics.upstream_ejected(p->pool->name(), ep->address()).Set(ep->ejected(now_ms) ? 1 : 0);
    metrics.pool_panic(p->pool->name()).Set(p->pool->in_panic(now_ms) ? 1 : 0);
  }
  for (const auto& p : ex.snap.pools) {
    const auto& a = *p.admission;
    metrics.queue_depth(a.pool()).Set(static_cast<double>(a.waiting()));
    metrics.pool_concurrency_limit(a.pool()).Set(a.limited() ? static_cast<double>(a.limit()) : 0);
  }
}

std::optional<admin::AdminAnswer> admin(Exchange& ex) {
  const auto path = ex.path;
  const bool on_this_listener = ex.admin_only || ex.snap.config->admin.listen.empty();
  if (!on_this_listener || !admin::is_admin_path(path)) return std::nullopt;
  const auto method = ex.request.get().method();
  if (method != bhttp::verb::get && method != bhttp::verb::head) return std::nullopt;
  const auto now = upstream::steady_now_ms();
  if (path == "/metrics") refresh_ejected_gauges(ex, now);
  std::vector<admin::PoolStatus> pools;
  for (const auto* p : ex.snap.reachable_pools())
    pools.push_back({p->pool->name(), p->pool->healthy_count(), p->pool->endpoints().size(),
                     p->pool->ejected_count(now), p->pool->in_panic(now)});
  return admin::answer_admin(path, ex.worker.ctx.draining.load(), pools, ex.worker.ctx.metrics);
}

// --- classify_tier: header / trusted peer / JWT -> class ----------------------------------
std::optional<ProxyError> classify_tier(Exchange& ex) {
  const auto& req = ex.request.get();
  const auto& tiers = ex.snap.config->tiers;
  tier::TierInputs in;
  in.tier_header = find_header(req, tiers.header);
  if (tiers.trust.mode == config::TrustMode::jwt)
    in.jwt_header = find_header(req, tiers.trust.jwt.header);
  in.peer = ex.peer;
  const auto d = ex.snap.classifier->classify(in);
  if (d.outcome == tier::TierOutcome::unknown_tier)
    return ProxyError{ErrorKind::unknown_tier, "unknown tier in " + tiers.header, 0, {}};
  if (d.outcome == tier::TierOutcome::unauthorized)
    return ProxyError{ErrorKind::unauthorized, "the tier claim could not be verified", 0, {}};
  ex.cls = &ex.snap.classes[d.class_index];
  return std::nullopt;
}

// --- match_route: first route whose match holds -> pool or a fixed answer -----------------
std::optional<ProxyError> match_route(Exchange& ex) {
  const auto& req = ex.request.get();
  routing::RequestView view;
  view.method = sv(req.method_string());
  view.path = ex.path;
  view.tier = ex.cls->cls->name;
  view.header = &header_lookup;
  view.header_ctx = static_cast<const bhttp::fields*>(&req);
  const auto decision = ex.snap.routes->match(view);
  if (!decision) return ProxyError{ErrorKind::no_route, {}, 0, {}};
  ex.route = decision->route;
  switch (ex.route->action) {
    case config::RouteActionKind::respond:
      return ProxyError{ErrorKind::route_respond, "refused by route " + ex.route->name,
                        ex.route->respond.status, ex.route->respond.error};
    case config::RouteActionKind::pool:
      ex.pool = ex.snap.route_pools[decision->route_index];
      break;
    case config::RouteActionKind::tier_pool:
      ex.pool = ex.cls->pool;
      break;
  }
  return std::nullopt;
}

// The class's timeout_ms, tightened by an X-Request-Budget-Ms from a trusted peer (a router or
// gateway in front that has already spent part of the caller's budget). It never loosens it.
Clock::time_point request_deadline(const Exchange& ex) {
  auto budget = std::chrono::milliseconds(ex.cls->cls->timeout_ms);
  if (auto hint = find_header(ex.request.get(), "x-request-budget-ms");
      hint && ex.snap.classifier->trusts_peer(ex.peer)) {
    std::uint32_t ms = 0;
    const auto* end = hint->data() + hint->size();
    if (auto [p, ec] = std::from_chars(hint->data(), end, ms); ec == std::errc() && p == end)
      budget = std::min(budget, std::chrono::milliseconds(ms));
  }
  return ex.started + budget;
}

// --- admit: the router-wide max_in_flight, then the pool's limit and its queue ------------
// Both are shared out by priority (overload/priority_levels.hpp). A request that finds its
// share of the pool full waits in the pool's queue, or is refused at once when it could not be
// served before its deadline; the wait counts against timeout_ms.
net::awaitable<std::optional<ProxyError>> admit(Exchange& ex, overload::AdmissionGuard& guard,
                                                overload::PoolSlot& slot) {
  auto& ctx = ex.worker.ctx;
  const auto& levels = *ex.cls->levels;
  const auto refuse = [&](const char* reason, std::string message) {
    ex.cls->shed->Increment();
    ctx.metrics.overload_rejections(ex.pool->pool->name(), ex.cls->cls->name, reason).Increment();
    return ProxyError{ErrorKind::overloaded, std::move(message), 0, {}};
  };
  if (!ctx.admission.try_admit(levels, ex.snap.config->overload.max_in_flight))
    co_return refuse("router_limit", "the router is at overload.max_in_flight for this tier");
  guard = overload::AdmissionGuard(ctx.admission, levels.slot);
  auto& pool = *ex.pool->admission;
  if (!pool.limited()) co_return std::nullopt;
  if (pool.try_acquire(levels)) {
    slot = overload::PoolSlot(pool, levels.slot);
    co_return std::nullopt;
  }
  const auto queued_at = Clock::now();
  const auto result = co_await pool.wait(levels, ex.deadline, ex.client.get_executor());
  ex.queue_wait = Clock::now() - queued_at;
  ctx.metrics.queue_wait(pool.pool(), ex.cls->cls->name)
      .Observe(std::chrono::duration<double>(ex.queue_wait).count());
  if (result == overload::AdmitResult::admitted) {
    slot = overload::PoolSlot(pool, levels.slot);
    co_return std::nullopt;
  }
  co_return refuse(overload::admit_result_name(result),
                   "pool " + pool.pool() + " is at its concurrency limit and the request could " +
                       "not be served before its deadline (" + overload::admit_result_name(result) +
                       ")");
}

// --- finish: metrics and the access log ---------------------------------------------------
void finish(Exchange& ex) {
  static const std::string kNone = "none";
  auto& ctx = ex.worker.ctx;
  const auto finished = Clock::now();
  const auto elapsed = finished - ex.started;
  const double seconds = std::chrono::duration<double>(elapsed).count();
  const ClassRuntime* cls =
      ex.cls != nullptr ? ex.cls : &ex.snap.classes[ex.snap.classifier->default_class()];
  const std::string& tier = cls->cls->pool;
  const std::string& route = ex.route != nullptr ? ex.route->name : kNone;
  ex.worker.request_counters.get(ctx.metrics, tier, cls->cls->name, route, ex.status).Increment();
  auto& tm = *cls->pool->tier_metrics;
  const auto now_s =
      std::chrono::duration_cast<std::chrono::seconds>(finished.time_since_epoch()).count();
  tm.duration_summary.observe(seconds, now_s);
  cls->duration->Observe(seconds);
  cls->slo_requests->Increment();
  const bool within_budget = seconds * 1000.0 <= cls->cls->latency_budget_ms;
  if (within_budget && ex.status < 500) cls->slo_good_requests->Increment();
  tm.rolling_ms.add(now_s, static_cast<std::uint64_t>(seconds * 1e6));  // microseconds
  if (!within_budget) cls->budget_exceeded->Increment();

  auto log = ctx.access_log.load();
  if (log && log->enabled()) {
    const auto& req = ex.request.get();
    observability::AccessRecord r;
    r.request_id = ex.request_id;
    r.client_ip = ex.client_ip;
    r.method = sv(req.method_string());
    r.target = ex.target.empty() ? sv(req.target()) : ex.target;
    r.status = ex.status;
    r.duration_ms = seconds * 1000.0;
    r.queue_ms = std::chrono::duration<double, std::milli>(ex.queue_wait).count();
    r.tier = tier;
    r.user_tier = cls->cls->name;
    r.route = route;
    r.upstream = ex.last_endpoint != nullptr ? std::string_view(ex.last_endpoint->address()) : "";
    r.attempts = ex.attempts;
    r.bytes_sent = ex.bytes_sent;
    r.error = ex.error_code;
    log->write(r);
  }
}

net::awaitable<void> write_admin(Exchange& ex, const admin::AdminAnswer& a) {
  const bool head_only = ex.request.get().method() == bhttp::verb::head;
  std::string out = "HTTP/1.1 " + std::to_string(a.status) + " " +
                    std::string(reason_phrase(a.status)) + "\r\nContent-Type: " + a.content_type +
                    "\r\nContent-Length: " + std::to_string(a.body.size()) +
                    "\r\nCache-Control: no-store\r\nX-Request-Id: " + ex.request_id +
                    (ex.client_keep_alive ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n");
  if (!head_only) out += a.body;
  ex.watch.arm_after(std::chrono::milliseconds(ex.snap.config->server.limits.idle_timeout_ms),
                     DeadlineWatch::Action::cancel_client);
  const auto w = co_await write_all(ex.client, net::buffer(out));
  if (w.ec) ex.client_keep_alive = false;
}

// RAII: smart_router_in_flight_requests{tier} up for the life of the forward.
class InFlightGauge {
 public:
  explicit InFlightGauge(prometheus::Gauge& g) : g_(g) { g_.Increment(); }
  ~InFlightGauge() { g_.Decrement(); }
  InFlightGauge(const InFlightGauge&) = delete;
  InFlightGauge& operator=(const InFlightGauge&) = delete;

 private:
  prometheus::Gauge& g_;
};

}  // namespace

net::awaitable<void> send_error(Exchange& ex, const ProxyError& err) {
  ex.status = status_of(err);
  ex.error_code = err.kind == ErrorKind::route_respond ? std::string_view("route_respond")
                                                       : error_status(err.kind).code;
  if (ex.response_started) {
    ex.client_keep_alive = false;  // mid-response failure: the only signal left is closing
    co_return;
  }
  // An unread request body would be taken for the next request: close instead.
  if (!ex.request.is_done()) ex.client_keep_alive = false;
  const std::string out = render_error(err, ex.request_id, ex.client_keep_alive);
  ex.response_started = true;
  ex.watch.arm_after(std::chrono::milliseconds(ex.snap.config->server.limits.idle_timeout_ms),
                     DeadlineWatch::Action::cancel_client);
  const auto w = co_await write_all(ex.client, net::buffer(out));
  ex.bytes_sent += w.bytes;
  if (w.ec) ex.client_keep_alive = false;
}

net::awaitable<void> reject_request(Exchange& ex, ErrorKind kind, std::string message) {
  generate_request_id(ex.request_id);
  ex.client_keep_alive = false;
  // Named, not a temporary inside co_await: g++ 12 destroys such temporaries twice.
  const ProxyError err{kind, std::move(message), 0, {}};
  co_await send_error(ex, err);
  finish(ex);
}

net::awaitable<bool> run_exchange(Exchange& ex) {
  if (auto refused = begin(ex)) {
    co_await send_error(ex, *refused);
    finish(ex);
    co_return ex.client_keep_alive;
  }
  if (auto answer = admin(ex)) {
    co_await write_admin(ex, *answer);
    co_return ex.client_keep_alive;
  }
  if (ex.admin_only) {
    const ProxyError err{
        ErrorKind::no_route, "the admin listener serves /health /ready /metrics", 0, {}};
    co_await send_error(ex, err);
    co_return ex.client_keep_alive;
  }
  overload::AdmissionGuard admission;
  overload::PoolSlot pool_slot;
  std::optional<ProxyError> err = classify_tier(ex);
  if (!err) err = match_route(ex);
  if (!err) {
    ex.deadline = request_deadline(ex);
    err = co_await admit(ex, admission, pool_slot);
  }
  if (err) {
    co_await send_error(ex, *err);
  } else {
    InFlightGauge in_flight(*ex.cls->pool->tier_metrics->in_flight);
    co_await forward(ex);
  }
  pool_slot.reset();
  admission.reset();
  finish(ex);
  co_return ex.client_keep_alive;
}

}  // namespace smart_router::http
