// forward: pick an endpoint, send the request, relay the answer; retry by the pool's policy
// within the tier's deadline; map failures to 502/503/504.
#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <optional>

#include "smart_router/common/stream_io.hpp"
#include "smart_router/http/body_relay.hpp"
#include "smart_router/http/exchange.hpp"
#include "smart_router/http/header_rules.hpp"
#include "smart_router/http/response_head_parser.hpp"

namespace smart_router::http {
namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using namespace net::experimental::awaitable_operators;

namespace {

constexpr auto kToken = net::as_tuple(net::use_awaitable);
constexpr std::uint32_t kMaxResponseHeadBytes = 64 * 1024;

enum class AttemptResult {
  done,             // an answer was relayed (or the client went away while it was)
  connect_failure,  // nothing was sent
  reset,            // the upstream closed or reset before answering
  timeout,          // the tier's deadline passed before the answer's head
  bad_response,     // the upstream's answer could not be parsed
  retry_503,        // the upstream answered 503 and a retry is allowed: answer discarded
  client_gone,      // the client failed while sending its body
  body_too_large,   // the client's body passed max_body_bytes while streaming
};

bool is_idempotent(bhttp::verb v) {
  return v == bhttp::verb::get || v == bhttp::verb::head || v == bhttp::verb::options ||
         v == bhttp::verb::trace || v == bhttp::verb::put || v == bhttp::verb::delete_;
}

bool is_upgrade_request(const RequestParser& req) {
  return req.upgrade() || (req.get().find(bhttp::field::upgrade) != req.get().end() &&
                           parse_connection(req.get()).upgrade);
}

std::chrono::milliseconds idle_of(const Exchange& ex) {
  return std::chrono::milliseconds(ex.snap.config->server.limits.idle_timeout_ms);
}

std::int64_t ms_until(Clock::time_point deadline) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
}

bool is_stale_connection_error(const boost::system::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe;
}

enum class SendResult { ok, upstream_failed, client_failed, too_large };

// Sends the head and streams the client's body (if any) to the upstream.
net::awaitable<SendResult> send_request(Exchange& ex, upstream::UpstreamConnection& conn,
                                        bool& body_consumed) {
  auto& req = ex.request;
  const bool has_body = !req.is_done();
  UpstreamRequestHead h;
  h.target = ex.target;
  h.request_id = ex.request_id;
  h.client_ip = ex.client_ip;
  h.proto = ex.tls ? "https" : "http";
  h.tier_header = ex.snap.config->tiers.header;
  h.user_tier = ex.cls->cls->name;
  h.budget_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(ex.deadline - ex.sending_at).count();
  h.upgrade = is_upgrade_request(req);
  if (req.chunked()) {
    h.framing = BodyFraming::chunked;
  } else if (auto len = req.content_length()) {
    h.framing = BodyFraming::content_length;
    h.content_length = *len;
  }
  render_upstream_request(req.get(), h, ex.head);

  if (!has_body) {
    ex.watch.arm(ex.deadline, DeadlineWatch::Action::close_upstream);
    WriteResult w;
    if (!write_now(conn.stream, net::buffer(ex.head), w))
      w = co_await write_rest(conn.stream, net::buffer(ex.head), w);
    co_return w.ec ? SendResult::upstream_failed : SendResult::ok;
  }
  if (ex.expects_continue) {
    // We are ready for the body: tell the client now (the upstream never sees Expect).
    ex.expects_continue = false;
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    const auto w = co_await write_all(ex.client, net::buffer(kContinue));
    if (w.ec) co_return SendResult::client_failed;
  }
  body_consumed = true;
  auto r = co_await relay_body(ex.client, ex.client_buffer, req, req.get().body(), conn.stream,
                               h.framing, ex.head, ex.relay_buffer(), BufferPool::kSize, ex.watch,
                               idle_of(ex));
  if (r.read_error == bhttp::error::body_limit) co_return SendResult::too_large;
  if (r.read_error) co_return SendResult::client_failed;
  if (r.write_error) co_return SendResult::upstream_failed;
  // As in Envoy, the tier timeout counts from the end of the request body.
  ex.deadline = Clock::now() + std::chrono::milliseconds(ex.cls->cls->timeout_ms);
  co_return SendResult::ok;
}

// After the upstream's 101: the client's and the upstream's bytes flow both ways untouched.
net::awaitable<void> tunnel(Exchange& ex, upstream::UpstreamConnection& conn) {
  // Bytes that arrived behind the heads belong to the tunnel.
  if (conn.buffer.size() > 0) {
    auto [ec, n] = co_await net::async_write(ex.client, conn.buffer.data(), kToken);
    (void)n;
    if (ec) co_return;
    conn.buffer.consume(conn.buffer.size());
  }
  if (ex.client_buffer.size() > 0) {
    auto [ec, n] = co_await net::async_write(conn.stream, ex.client_buffer.data(), kToken);
    (void)n;
    if (ec) co_return;
    ex.client_buffer.consume(ex.client_buffer.size());
  }
  auto second = ex.worker.buffers.take();
  co_await (
      pump_bytes(ex.client, conn.stream, ex.relay_buffer(), BufferPool::kSize, ex.watch,
                 idle_of(ex)) ||
      pump_bytes(conn.stream, ex.client, second.get(), BufferPool::kSize, ex.watch, idle_of(ex)));
  ex.worker.buffers.give(std::move(second));
}

// Writes the upstream's head and relays its body. Returns whether the upstream connection can
// carry another request.
net::awaitable<bool> relay_response(Exchange& ex, upstream::UpstreamConnection& conn,
                                    ResponseHeadParser& rp) {
  const unsigned status = rp.status();
  const bool head_request = ex.request.get().method() == bhttp::verb::head;
  ex.status = status;

  BodyFraming in = BodyFraming::none;
  if (rp.chunked())
    in = BodyFraming::chunked;
  else if (rp.content_length())
    in = BodyFraming::content_length;
  else if (!rp.is_done())
    in = BodyFraming::until_close;

  ClientResponseHead h;
  h.request_id = ex.request_id;
  if (status == 101) {
    h.upgrade = true;
    render_client_response(status, rp.reason(), rp.fields(), h, ex.head);
    const auto w = co_await write_all(ex.client, net::buffer(ex.head));
    ex.response_started = true;
    ex.bytes_sent += w.bytes;
    if (!w.ec) co_await tunnel(ex, conn);
    ex.client_keep_alive = false;
    co_return false;
  }
  if (head_request) {
    h.framing = rp.content_length() ? BodyFraming::content_length : BodyFraming::none;
    h.content_length = rp.content_length().value_or(0);
  } else if (in == BodyFraming::content_length) {
    h.framing = BodyFraming::content_length;
    h.content_length = *rp.content_length();
  } else if (in == BodyFraming::none) {
    h.framing = (status == 204 || status == 304 || status < 200) ? BodyFraming::none
                                                                 : BodyFraming::content_length;
  } else {
    // Chunked or close-delimited upstream body: chunked to HTTP/1.1 clients.
    h.framing = ex.client_http10 ? BodyFraming::until_close : BodyFraming::chunked;
  }
  h.keep_alive = ex.client_keep_alive && !ex.worker.ctx.draining.load(std::memory_order_relaxed) &&
                 h.framing != BodyFraming::until_close;
  ex.client_keep_alive = h.keep_alive;
  render_client_response(status, rp.reason(), rp.fields(), h, ex.head);

  ex.response_started = true;
  auto r =
      co_await relay_body(conn.stream, conn.buffer, rp, rp.body(), ex.client, h.framing, ex.head,
                          ex.relay_buffer(), BufferPool::kSize, ex.watch, idle_of(ex));
  ex.bytes_sent += r.bytes_written;
  if (!r.ok()) ex.client_keep_alive = false;  // a truncated answer: closing is the only signal
  co_return r.ok() && rp.is_done() && rp.keep_alive() && in != BodyFraming::until_close;
}

// One try on one endpoint (with one transparent re-send when a pooled connection was stale).
net::awaitable<AttemptResult> attempt(Exchange& ex, const std::shared_ptr<upstream::Endpoint>& ep,
                                      bool allow_503_retry, bool& body_consumed,
                                      boost::system::error_code& connect_error) {
  const auto& pool_cfg = ex.pool->pool->config();
  upstream::ActiveRequestGuard active(*ep);
  auto& conns = ex.worker.connections;
  const bool resend_safe = ex.request.is_done() && is_idempotent(ex.request.get().method());

  for (int fresh = 0; fresh < 2; ++fresh) {
    std::unique_ptr<upstream::UpstreamConnection> conn;
    // A bodyless idempotent request can be re-sent if a pooled connection turns out closed, so
    // it skips the liveness probe (a syscall) on connections idle for less than a second.
    if (fresh == 0)
      conn = conns.take(*ep, upstream::steady_ms(ex.sending_at), resend_safe ? 1000 : 0);
    const bool reused = conn != nullptr;
    if (!conn) {
      const auto left = ms_until(ex.deadline);
      if (left <= 0) co_return AttemptResult::timeout;
      boost::system::error_code ec;
      const auto limit = static_cast<std::uint32_t>(
          std::min<std::int64_t>(left, static_cast<std::int64_t>(pool_cfg.connect_timeout_ms)));
      conn =
          co_await upstream::connect_upstream(ep, limit, ex.pool->pool->tls_params(), ex.watch, ec);
      if (!conn) {
        if (ec == net::error::timed_out && ms_until(ex.deadline) <= 0)
          co_return AttemptResult::timeout;
        connect_error = ec;
        co_return AttemptResult::connect_failure;
      }
      ex.sending_at = Clock::now();
    }
    ex.watch.set_upstream(&conn->stream.socket());
    const auto sent = co_await send_request(ex, *conn, body_consumed);
    if (sent == SendResult::client_failed) co_return AttemptResult::client_gone;
    if (sent == SendResult::too_large) co_return AttemptResult::body_too_large;
    if (sent == SendResult::upstream_failed) {
      if (ex.watch.fired()) co_return AttemptResult::timeout;
      if (reused && !body_consumed) continue;  // stale keep-alive connection: send again fresh
      co_return AttemptResult::reset;
    }

    std::optional<ResponseHeadParser> rp;
    boost::system::error_code ec;
    ex.watch.arm(ex.deadline, DeadlineWatch::Action::close_upstream);
    // The answer cannot be here the moment the request is written: the wait tries a read at
    // once only if epoll has reported bytes since the last read drained the socket (on a new
    // connection it does try), else it reads when epoll does (async_receive_drained).
    for (;;) {
      rp.emplace(ex.response_fields);
      rp->header_limit(kMaxResponseHeadBytes);
      rp->body_limit(boost::none);  // we stream it; the upstream is trusted with its size
      if (ex.request.get().method() == bhttp::verb::head) rp->skip(true);
      const bool have_bytes = conn->buffer.size() > 0;  // after a 1xx: the next head, perhaps
      ec = have_bytes ? read_header_now(conn->stream, conn->buffer, *rp) : net::error::would_block;
      if (ec == net::error::would_block)
        ec = co_await read_header(conn->stream, conn->buffer, *rp, have_bytes);
      const unsigned code = ec ? 0 : rp->status();
      if (ec || code >= 200 || code == 101) break;
      // 1xx informational answers (100, 103) are dropped; the real head follows.
    }
    // The pool's latency (request sent -> answer head, or the deadline) feeds its admission:
    // the queue's wait estimate and the adaptive limit.
    if (auto& admission = *ex.pool->admission; admission.limited() && (!ec || ex.watch.fired())) {
      const auto now = Clock::now();
      admission.record_latency(
          std::chrono::duration_cast<std::chrono::microseconds>(now - ex.sending_at), now);
    }
    if (ec) {
      if (ex.watch.fired()) co_return AttemptResult::timeout;
      // Closed before answering: re-send once on a fresh connection, when that is safe.
      if (reused && resend_safe && is_stale_connection_error(ec)) continue;
      if (ec.category() == make_error_code(bhttp::error::end_of_stream).category() &&
          ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message)
        co_return AttemptResult::bad_response;
      co_return AttemptResult::reset;
    }
    if (rp->status() == 503 && allow_503_retry) co_return AttemptResult::retry_503;

    const bool reusable = co_await relay_response(ex, *conn, *rp);
    ex.watch.set_upstream(nullptr);
    if (reusable) {
      ++conn->requests;
      // Stamped with the attempt's start: a connection looks idle a little longer, never
      // shorter, so it is probed or retired no later than it should be.
      conns.put(std::move(conn), pool_cfg.max_idle_per_endpoint,
                upstream::steady_ms(ex.sending_at));
    }
    co_return AttemptResult::done;
  }
  co_return AttemptResult::reset;
}

AttemptOutcome outcome_of(AttemptResult r, unsigned status) {
  switch (r) {
    case AttemptResult::done:
      return status >= 500 ? AttemptOutcome::http_5xx : AttemptOutcome::success;
    case AttemptResult::retry_503:
      return AttemptOutcome::http_5xx;
    case AttemptResult::connect_failure:
      return AttemptOutcome::connect_failure;
    case AttemptResult::timeout:
      return AttemptOutcome::timeout;
    case AttemptResult::bad_response:
      return AttemptOutcome::bad_response;
    case AttemptResult::reset:
    case AttemptResult::client_gone:
    case AttemptResult::body_too_large:
      break;
  }
  return AttemptOutcome::reset;
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
    case AttemptOutcome::timeout:  // the router's own deadline, not the endpoint's fault
    case AttemptOutcome::kCount:
      break;
  }
  return std::nullopt;
}

}  // namespace

net::awaitable<void> forward(Exchange& ex) {
  // Errors are named objects, never temporaries inside co_await (g++ 12 destroys those twice).
  static const ProxyError kTimeout{ErrorKind::upstream_timeout, {}, 0, {}};
  static const ProxyError kTooLarge{ErrorKind::payload_too_large, {}, 0, {}};
  const auto& pool = *ex.pool->pool;
  const auto& retries = pool.config().retries;
  const bool bodyless = ex.request.is_done();
  // A request may be sent twice only if it is safe to: no body (nothing to replay) and, unless
  // configured otherwise, an idempotent method.
  const bool resend_ok =
      bodyless && (!retries.idempotent_only || is_idempotent(ex.request.get().method()));
  std::uint32_t retries_left = retries.attempts;
  std::array<upstream::Endpoint*, 16> tried{};
  std::size_t ntried = 0;
  std::optional<ProxyError> last_error;

  for (;;) {
    ex.sending_at = Clock::now();
    if (ex.sending_at >= ex.deadline) {
      co_await send_error(ex, kTimeout);
      co_return;
    }
    const auto index = pool.pick(std::span<upstream::Endpoint* const>(tried.data(), ntried),
                                 upstream::steady_ms(ex.sending_at));
    if (!index) {
      if (!last_error)
        last_error = ProxyError{
            ErrorKind::no_healthy_upstream, "no healthy endpoint in pool " + pool.name(), 0, {}};
      co_await send_error(ex, *last_error);
      co_return;
    }
    // The owning pointer lives in the pool, which the snapshot keeps alive: refer, don't copy.
    const auto& ep = pool.endpoints()[*index];
    auto* picked = ep.get();
    ex.last_endpoint = picked;
    ++ex.attempts;

    bool body_consumed = false;
    boost::system::error_code connect_error;
    const bool can_retry = retries_left > 0;
    const auto result = co_await attempt(ex, ep, can_retry && retries.on_503 && resend_ok,
                                         body_consumed, connect_error);
    ex.watch.set_upstream(nullptr);

    if (result != AttemptResult::client_gone && result != AttemptResult::body_too_large) {
      const auto outcome = outcome_of(result, ex.status);
      ex.pool->outcome(*picked, outcome).Increment();
      // An ejection shows in smart_router_upstream_ejected at the next scrape. A try that ran
      // out of the request's own deadline is no evidence against the endpoint: neither counts.
      if (outcome == AttemptOutcome::success)
        pool.report_success(*picked);
      else if (const auto failure = endpoint_failure_of(outcome);
               failure && pool.report_failure(*picked, *failure, upstream::steady_now_ms()))
        ex.worker.ctx.metrics
            .upstream_ejections(pool.name(), picked->address(), upstream::failure_name(*failure))
            .Increment();
    }

    bool retryable = false;
    switch (result) {
      case AttemptResult::done:
        co_return;
      case AttemptResult::client_gone:
        ex.status = 499;  // as nginx logs it: the client closed the request
        ex.client_keep_alive = false;
        co_return;
      case AttemptResult::body_too_large:
        co_await send_error(ex, kTooLarge);
        co_return;
      case AttemptResult::timeout:
        co_await send_error(ex, kTimeout);
        co_return;
      case AttemptResult::connect_failure:
        last_error = ProxyError{
            ErrorKind::bad_gateway,
            "could not connect to upstream " + picked->address() + ": " + connect_error.message(),
            0,
            {}};
        retryable = retries.on_connect_failure;
        break;
      case AttemptResult::reset:
        last_error = ProxyError{ErrorKind::bad_gateway,
                                "upstream " + picked->address() + " closed the connection",
                                0,
                                {}};
        retryable = retries.on_reset && resend_ok && !body_consumed;
        break;
      case AttemptResult::bad_response:
        last_error = ProxyError{ErrorKind::bad_gateway,
                                "upstream " + picked->address() + " sent a malformed response",
                                0,
                                {}};
        break;
      case AttemptResult::retry_503:
        last_error =
            ProxyError{ErrorKind::no_healthy_upstream, "every upstream tried answered 503", 0, {}};
        retryable = true;
        break;
    }
    if (!retryable || retries_left == 0) {
      co_await send_error(ex, *last_error);
      co_return;
    }
    --retries_left;
    ex.pool->retries->Increment();
    if (ntried < tried.size()) tried[ntried++] = picked;
  }
}

}  // namespace smart_router::http
