// The request pipeline, as named phases:
//   begin -> admin -> classify_tier -> match_route -> admit -> forward -> relay | answer
// then finish. Plain calls where a phase does no I/O: each coroutine frame on the hot path
// costs a few hundred instructions a request. The deciding phases (phases.cpp) do no I/O; forward
// (forwarder.cpp) returns an outcome; only this file answers, through the request's Downstream, and
// every request is recorded by the one call to observe_finish below.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/verb.hpp>

#include "smart_router/http/error_response.hpp"
#include "smart_router/http/forwarder.hpp"
#include "smart_router/http/phases.hpp"
#include "smart_router/http/request.hpp"
#include "smart_router/http/request_id.hpp"
#include "smart_router/http/request_observers.hpp"

namespace smart_router::http {
namespace net = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

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

// A refusal (503 overloaded, 429 rate_limited) on a connection that keeps asking sooner than
// the last refusal's Retry-After (1 s): true after overload.tarpit.after of them in a row.
bool tarpitted(Request& req, const ProxyError& err) {
  // (Any other answer ends the streak: finish() resets it.)
  if (err.kind != ErrorKind::overloaded && err.kind != ErrorKind::rate_limited) return false;
  auto& s = req.scratch;
  const auto now = Clock::now();
  s.refusals = now - s.last_refusal < std::chrono::seconds(1) ? s.refusals + 1 : 1;
  s.last_refusal = now;
  const auto after = req.snap.config->overload.tarpit.after;
  return after > 0 && s.refusals > after;
}

// The router's own error, as the answer. A tarpitted refusal is held first (a timer: the flood
// costs no CPU meanwhile) and closes its connection.
net::awaitable<void> answer_error(Request& req, const ProxyError& err) {
  req.outcome.status = status_of(err);
  req.outcome.error_code = recorded_code(err);
  if (tarpitted(req, err)) {
    req.worker.ctx.metrics.tarpitted().Increment();
    req.down.close_after();
    net::steady_timer hold(co_await net::this_coro::executor);
    hold.expires_after(std::chrono::milliseconds(req.snap.config->overload.tarpit.delay_ms));
    co_await hold.async_wait(net::as_tuple(net::use_awaitable));
  }
  const ErrorAnswer answer(err, req.request_id, req.decided.grpc);
  co_await req.down.answer(answer.answer(), req.request_id);
}

net::awaitable<void> answer_admin(Request& req, const admin::AdminAnswer& a) {
  static constexpr HeaderLine kNoStore[] = {{"Cache-Control", "no-store"}};
  req.outcome.admin = true;
  req.outcome.status = a.status;
  LocalAnswer local;
  local.status = a.status;
  local.content_type = a.content_type;
  local.body = a.body;
  local.headers = kNoStore;
  local.head_only = req.down.request().get().method() == bhttp::verb::head;
  co_await req.down.answer(local, req.request_id);
}

// After begin and admin: the admin listener's 404, check_method, classify_tier, match_route.
std::optional<ProxyError> decide_route(Request& req) {
  static const ProxyError kAdminOnly{
      ErrorKind::no_route,
      "the admin listener serves /health /ready /metrics /debug/config /debug/routes",
      0,
      {},
      {}};
  if (req.down.connection().admin_only) return kAdminOnly;
  if (auto refused = check_method(req)) return refused;
  if (auto refused = classify_tier(req)) return refused;
  return match_route(req);
}

// --- finish: the one place a finished request is recorded ----------------------------------
void finish(Request& req) {
  if (req.outcome.status != 429 && req.outcome.status != 503) req.scratch.refusals = 0;
  req.pool_slot.reset();
  req.admission.reset();
  observe_finish(req);
}

// What the deciding phases leave the request to do.
enum class Next : std::uint8_t { answer_error, answer_admin, wait, forward };

// begin -> admin -> decide_route -> admit, plain calls: the first refusal is the answer.
Next decide(Request& req, std::optional<ProxyError>& refusal,
            std::optional<admin::AdminAnswer>& admin_answer) {
  if ((refusal = begin(req))) return Next::answer_error;
  if ((admin_answer = admin(req))) return Next::answer_admin;
  if ((refusal = decide_route(req))) return Next::answer_error;
  auto verdict = admit(req);
  if (verdict.refused) {
    refusal = std::move(verdict.refused);
    return Next::answer_error;
  }
  // Its share of the pool full: the request waits in the pool's queue, or is refused.
  return verdict.must_wait ? Next::wait : Next::forward;
}

}  // namespace

// Every local of a coroutine lives in its frame, and asio recycles frames of up to 1 KiB only
// (a larger one is malloc'ed and evicts a cached one): the decisions are made in plain calls
// and one error slot serves every phase, keeping this frame well under that.
net::awaitable<void> run_request(Request& req) {
  observe_begin(req);
  std::optional<ProxyError> refusal;
  std::optional<admin::AdminAnswer> admin_answer;
  auto next = decide(req, refusal, admin_answer);
  if (next == Next::wait) {
    refusal = co_await wait_for_pool(req);
    if (refusal) next = Next::answer_error;
  }
  if (next == Next::wait || next == Next::forward) {
    // forward, then relay the answer (inline: a coroutine frame less)
    const InFlightGauge in_flight(*req.decided.pool->tier_metrics->in_flight);
    UpstreamAnswer upstream;
    const auto end = co_await forward(req, upstream, refusal);
    if (end == ForwardEnd::answered) {
      req.outcome.status = upstream.head->status();
      const bool reusable = co_await req.down.relay_answer(
          *upstream.conn, *upstream.head, req.request_id, req.relay_buffer(), req.worker.buffers);
      release_upstream(req, upstream, reusable);
    } else if (end == ForwardEnd::failed) {
      next = Next::answer_error;
    } else {
      req.outcome.status = 499;  // as nginx logs it: the client closed the request
      req.down.close_after();
    }
  }
  if (next == Next::answer_error) {
    co_await answer_error(req, *refusal);
  } else if (next == Next::answer_admin) {
    co_await answer_admin(req, *admin_answer);
  }
  finish(req);
}

net::awaitable<void> reject_request(Request& req, const ProxyError& err) {
  // The head may be whole (a declared body over the limit, no Host) or cut short: the client's
  // id is kept from what of it was read, as on every other answer.
  const auto& head = req.down.request().get();
  const auto id = head.find("X-Request-Id");
  if (id != head.end() && is_acceptable_request_id({id->value().data(), id->value().size()}))
    req.request_id.assign(id->value().data(), id->value().size());
  else
    generate_request_id(req.request_id);
  req.trace.start();
  req.down.close_after();
  observe_begin(req);
  co_await answer_error(req, err);
  finish(req);
}

}  // namespace smart_router::http
