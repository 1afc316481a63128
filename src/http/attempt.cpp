// One try on one upstream endpoint: connect or reuse, send the request (and stream its body),
// read the answer's head. Each try ends in an AttemptResult; the waits are awaited here, not in
// helper coroutines (a frame each would cost a few hundred instructions a request).
#include "smart_router/http/attempt.hpp"

#include <algorithm>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include "smart_router/common/stream_io.hpp"
#include "smart_router/http/body_relay.hpp"
#include "smart_router/http/chunk_framing.hpp"
#include "smart_router/http/header_rules.hpp"
#include "smart_router/http/request_observers.hpp"

namespace smart_router::http {
namespace net = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

constexpr std::uint32_t kMaxResponseHeadBytes = 64 * 1024;

std::int64_t ms_until(Clock::time_point deadline) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
}

bool is_stale_connection_error(const boost::system::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe;
}

// Why a try's watch fired: a race's loser, the per-try timeout, or the request's deadline.
AttemptEnd timed_out_end(const TryContext& a) {
  if (a.cancelled) return AttemptEnd::cancelled;
  return a.try_deadline < a.deadline ? AttemptEnd::per_try_timeout : AttemptEnd::deadline;
}

// A new span id for each request sent (retries, hedges and re-sends included): a child of the
// router's.
UpstreamRequestHead upstream_head(const TryContext& a) {
  const auto& req = a.req;
  const auto& parser = req.down.request();
  UpstreamRequestHead h;
  h.target = req.decided.target;
  h.request_id = req.request_id;
  h.peer_ip = req.down.connection().client_ip;
  h.client_ip = req.decided.client_ip;
  h.proto = req.down.connection().tls ? "https" : "http";
  h.tier_header = req.snap.config->tiers.header;
  h.user_tier = req.decided.cls->cls->name;
  h.budget_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(a.deadline - a.sending_at).count();
  h.grpc_timeout = req.decided.grpc_timeout.has_value();
  h.traceparent = a.req.trace.next_upstream_traceparent();
  h.tracestate = req.trace.tracestate();
  h.via = req.snap.config->server.via;
  h.http10 = req.down.http10();
  h.upgrade = is_upgrade_request(parser);
  if (parser.chunked()) {
    h.framing = BodyFraming::chunked;
  } else if (auto len = parser.content_length()) {
    h.framing = BodyFraming::content_length;
    h.content_length = *len;
  }
  return h;
}

enum class SendResult { ok, upstream_failed, client_failed, bad_body };

// Sends the head and streams the client's body (if any) to the upstream. bad_body: the client's
// body was refused (body_error_answer says how, from r.error); the upstream connection, with a
// request cut short on it, is closed by the caller like any failed try's.
net::awaitable<SendResult> send_request(TryContext& a, upstream::UpstreamConnection& conn,
                                        AttemptResult& r) {
  auto& req = a.req;
  auto& parser = req.down.request();
  auto& watch = a.watch;
  const UpstreamRequestHead h = upstream_head(a);
  auto& head = a.head;
  render_upstream_request(parser.get(), h, head);

  if (parser.is_done()) {
    watch.arm(a.try_deadline, DeadlineWatch::Action::close_upstream);
    WriteResult w;
    if (!write_now(conn.stream, net::buffer(head), w))
      w = co_await write_rest(conn.stream, net::buffer(head), w);
    co_return w.ec ? SendResult::upstream_failed : SendResult::ok;
  }
  if (req.decided.expects_continue && !a.continue_sent) {
    a.continue_sent = true;  // we are ready for the body: tell the client now
    if (!co_await req.down.send_continue()) co_return SendResult::client_failed;
  }
  r.body_sent = true;
  const BodySource<RequestParser> from{req.down.connection().stream, req.down.connection().buffer,
                                       parser, parser.get().body()};
  const BodySink to{conn.stream, h.framing, head};
  const RelayBuffer via{req.relay_buffer(), BufferPool::kSize, watch, req.down.idle_timeout()};
  const auto relayed = co_await relay_body(from, to, via);
  if (relayed.read_error) {
    // A stalled client's read fails when the watch closes its socket: that is a client gone.
    if (watch.fired() || !body_error_answer(relayed.read_error))
      co_return SendResult::client_failed;
    r.error = relayed.read_error;
    co_return SendResult::bad_body;
  }
  if (relayed.write_error) co_return SendResult::upstream_failed;
  a.deadline = Clock::now() + std::chrono::milliseconds(req.decided.cls->cls->timeout_ms);
  a.try_deadline = a.deadline;  // a request with a body is never abandoned for a retry
  co_return SendResult::ok;
}

// Takes a pooled connection to `ep` into a.answer.conn, if there is one. A bodyless idempotent
// request can be re-sent if the connection turns out closed, so it skips the liveness probe
// (a syscall) on connections idle for less than a second.
bool take_pooled(TryContext& a, const upstream::Endpoint& ep, bool resend_safe) {
  a.answer.conn =
      a.req.worker.connections.take(ep, upstream::steady_ms(a.sending_at), resend_safe ? 1000 : 0);
  return a.answer.conn != nullptr;
}

// A new connection to `ep` into a.answer.conn, within the try's deadline and the pool's
// connect_timeout_ms. nullopt: connected.
net::awaitable<std::optional<AttemptEnd>> connect_new(TryContext& a,
                                                      const std::shared_ptr<upstream::Endpoint>& ep,
                                                      boost::system::error_code& connect_error) {
  a.answer.conn.reset();
  const auto left = ms_until(a.try_deadline);
  if (left <= 0) co_return timed_out_end(a);
  boost::system::error_code ec;
  const auto limit = static_cast<std::uint32_t>(
      std::min<std::int64_t>(left, static_cast<std::int64_t>(a.pool.config().connect_timeout_ms)));
  a.answer.conn = co_await upstream::connect_upstream(ep, limit, a.pool.tls_params(), a.watch, ec);
  if (a.cancelled) {
    a.answer.conn.reset();
    co_return AttemptEnd::cancelled;
  }
  if (!a.answer.conn) {
    if (ec == net::error::timed_out && ms_until(a.try_deadline) <= 0) co_return timed_out_end(a);
    connect_error = ec;
    co_return AttemptEnd::connect_failure;
  }
  a.sending_at = Clock::now();
  co_return std::nullopt;
}

// A fresh parser for the answer's head in a.answer.head (after a 1xx, for the next head).
ResponseHeadParser& new_head_parser(TryContext& a) {
  auto& rp = a.answer.head.emplace(a.fields);
  rp.header_limit(kMaxResponseHeadBytes);
  rp.body_limit(boost::none);  // we stream it; the upstream is trusted with its size
  if (a.req.down.request().get().method() == bhttp::verb::head) rp.skip(true);
  return rp;
}

bool is_interim(unsigned status) {
  return status < 200 && status != 101;  // 100, 103: dropped, the real head follows
}

AttemptEnd head_failure(const boost::system::error_code& ec) {
  if (is_beast_parse_error(ec)) return AttemptEnd::bad_response;
  return AttemptEnd::reset;
}

// The pool's latency (request sent -> answer head, or a deadline) feeds its admission: the
// queue's wait estimate and the adaptive limit. A cancelled try says nothing about it.
void note_latency(const TryContext& a, const overload::AwaitedAnswer& sent,
                  bool answered_or_deadline) {
  auto& admission = *a.req.decided.pool->admission;
  if (!admission.limited() || !answered_or_deadline || a.cancelled) return;
  const auto now = Clock::now();
  admission.record_latency(
      std::chrono::duration_cast<std::chrono::microseconds>(now - a.sending_at), sent, now);
}

// What an attempt's outcome says against the endpoint; nullopt when it says nothing.
std::optional<upstream::EndpointFailure> endpoint_failure_of(AttemptOutcome o) {
  switch (o) {
    case AttemptOutcome::connect_failure:
      return upstream::EndpointFailure::connect_failure;
    case AttemptOutcome::reset:
      return upstream::EndpointFailure::reset;
    case AttemptOutcome::http_5xx:
      return upstream::EndpointFailure::http_5xx;
    case AttemptOutcome::bad_response:
      return upstream::EndpointFailure::bad_response;
    case AttemptOutcome::success:
    // The router's own deadlines and decisions, not the endpoint's fault:
    case AttemptOutcome::timeout:
    case AttemptOutcome::per_try_timeout:
    case AttemptOutcome::cancelled:
    case AttemptOutcome::kCount:
      break;
  }
  return std::nullopt;
}

}  // namespace

bool is_upgrade_request(const RequestParser& req) {
  return upgrades_to_websocket(req.get());
}

net::awaitable<AttemptResult> attempt(TryContext& a,
                                      const std::shared_ptr<upstream::Endpoint>& ep) {
  auto& req = a.req;
  auto& watch = a.watch;
  const bool resend_safe =
      req.down.request().is_done() && is_idempotent(req.down.request().get().method());
  AttemptResult r;
  a.answer.active.emplace(*ep);
  for (int fresh = 0; fresh < 2; ++fresh) {
    const bool reused = fresh == 0 && take_pooled(a, *ep, resend_safe);
    if (!reused) {
      const auto failed = co_await connect_new(a, ep, r.error);
      if (failed) {
        r.end = *failed;
        break;
      }
    }
    auto& conn = *a.answer.conn;
    watch.set_upstream(&conn.stream.socket());
    // Awaiting its answer from here until the head (or however this try ends): the adaptive
    // limit's brake counts it.
    const auto awaited = a.req.decided.pool->admission->sending(a.sending_at);
    const auto sent = co_await send_request(a, conn, r);
    if (sent == SendResult::client_failed || sent == SendResult::bad_body) {
      r.end = sent == SendResult::bad_body ? AttemptEnd::bad_body : AttemptEnd::client_gone;
      break;
    }
    if (sent == SendResult::upstream_failed) {
      if (!watch.fired() && reused && !r.body_sent) continue;  // stale: send again, fresh
      r.end = watch.fired() ? timed_out_end(a) : AttemptEnd::reset;
      break;
    }
    // The answer cannot be here the moment the request is written: the wait tries a read at
    // once only if epoll has reported bytes since the last read drained the socket (on a new
    // connection it does try), else it reads when epoll does (async_receive_drained).
    watch.arm(a.try_deadline, DeadlineWatch::Action::close_upstream);
    boost::system::error_code ec;
    do {
      auto& rp = new_head_parser(a);
      const bool have_bytes = conn.buffer.size() > 0;  // after a 1xx: the next head, perhaps
      ec = have_bytes ? read_header_now(conn.stream, conn.buffer, rp) : net::error::would_block;
      if (ec == net::error::would_block)
        ec = co_await read_header(conn.stream, conn.buffer, rp, have_bytes);
    } while (!ec && is_interim(a.answer.head->status()));
    // A 101 switches the connection to a protocol the client named (RFC 9110 7.8), and only
    // then: relayed unasked, it would make the client's connection a tunnel to this upstream,
    // past routing and every limit, for whatever the client (or the balancer in front) sends
    // next. A bad answer: 502, that upstream connection dropped.
    if (!ec && a.answer.head->status() == 101 &&
        (!is_upgrade_request(req.down.request()) ||
         !upgrades_to_websocket(a.answer.head->fields())))
      ec = bhttp::error::bad_status;
    note_latency(a, awaited, !ec || watch.fired());
    if (ec) {
      // Closed before answering: re-send once on a fresh connection, when that is safe.
      if (!watch.fired() && reused && resend_safe && is_stale_connection_error(ec)) continue;
      r.end = watch.fired() ? timed_out_end(a) : head_failure(ec);
      break;
    }
    r.status = a.answer.head->status();
    r.end = AttemptEnd::answered;
    break;
  }
  if (r.end != AttemptEnd::answered) {
    watch.set_upstream(nullptr);
    a.answer.conn.reset();
    a.answer.active.reset();
  } else {
    a.answer.sent_at = a.sending_at;
  }
  co_return r;
}

void cancel_try(TryContext& a) {
  a.cancelled = true;
  a.watch.close_upstream_now();
}

void drop_answer(TryContext& a) {
  a.watch.set_upstream(nullptr);
  a.answer.conn.reset();
  a.answer.active.reset();
}

void report_attempt(const Request& req, const upstream::UpstreamPool& pool, upstream::Endpoint& ep,
                    const AttemptResult& r) {
  const auto outcome = outcome_of(r);
  if (!outcome) return;  // the client failed: nothing to say about the endpoint
  observe_attempt(req, ep, *outcome);
  // An ejection shows in smart_router_upstream_ejected at the next scrape. A try that ran out of
  // the router's own deadlines is no evidence against the endpoint: neither counts.
  if (*outcome == AttemptOutcome::success) {
    pool.report_success(ep);
  } else if (const auto failure = endpoint_failure_of(*outcome);
             failure && pool.report_failure(ep, *failure, upstream::steady_now_ms())) {
    req.worker.ctx.metrics
        .upstream_ejections(pool.name(), ep.address(), upstream::failure_name(*failure))
        .Increment();
  }
}

ProxyError error_of(const AttemptResult& r, const upstream::Endpoint& ep) {
  switch (r.end) {
    case AttemptEnd::deadline:
      return {ErrorKind::upstream_timeout, {}, 0, {}, {}};
    case AttemptEnd::per_try_timeout:
      return {ErrorKind::upstream_timeout,
              "upstream " + ep.address() + " did not answer within per_try_timeout_ms",
              0,
              {},
              {}};
    case AttemptEnd::bad_body:
      if (auto refused = body_error_answer(r.error)) return std::move(*refused);
      return {ErrorKind::bad_request, {}, 0, {}, {}};
    case AttemptEnd::connect_failure:
      return {ErrorKind::bad_gateway,
              "could not connect to upstream " + ep.address() + ": " + r.error.message(),
              0,
              {},
              {}};
    case AttemptEnd::bad_response:
      return {ErrorKind::bad_gateway,
              "upstream " + ep.address() + " sent a malformed response",
              0,
              {},
              {}};
    case AttemptEnd::upstream_503:
      return {ErrorKind::no_healthy_upstream, "every upstream tried answered 503", 0, {}, {}};
    case AttemptEnd::reset:
    case AttemptEnd::answered:
    case AttemptEnd::client_gone:
    case AttemptEnd::cancelled:
      break;
  }
  return {ErrorKind::bad_gateway, "upstream " + ep.address() + " closed the connection", 0, {}, {}};
}

}  // namespace smart_router::http
