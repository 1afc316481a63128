#include "smart_router/server/session.hpp"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <limits>

#include "smart_router/common/stream_io.hpp"
#include "smart_router/http/exchange.hpp"
#include "smart_router/server/worker.hpp"

namespace smart_router::server {
namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr auto kToken = net::as_tuple(net::use_awaitable);
constexpr std::size_t kFirstRead = 8192;

// The error a request head that failed to parse answers with.
ErrorKind head_error(const boost::system::error_code& ec) {
  if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow)
    return ErrorKind::headers_too_large;
  if (ec == bhttp::error::body_limit) return ErrorKind::payload_too_large;
  return ErrorKind::bad_request;
}

bool is_parse_error(const boost::system::error_code& ec) {
  return ec.category() == make_error_code(bhttp::error::end_of_stream).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

std::string head_error_detail(const boost::system::error_code& ec, const config::Limits& limits) {
  if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow)
    return "request head exceeds max_header_bytes (" + std::to_string(limits.max_header_bytes) +
           ")";
  if (ec == bhttp::error::body_limit)
    return "request body exceeds max_body_bytes (" + std::to_string(limits.max_body_bytes) + ")";
  return "malformed request: " + ec.message();
}

// After answering a request we did not read to its end, stop sending and read what the client
// is still sending (up to 1 s / 1 MiB) before closing: closing a socket with unread data sends
// a reset, which can destroy our answer before the client reads it (nginx's lingering_close).
net::awaitable<void> linger_close(Session& s) {
  boost::system::error_code ec;
  if (s.stream.is_tls()) co_return;  // no half-close under TLS; the reset risk is accepted
  s.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) co_return;
  s.watch.arm_after(std::chrono::milliseconds(1000), DeadlineWatch::Action::cancel_client);
  std::array<char, 16384> sink;
  std::size_t total = 0;
  while (total < (1u << 20)) {
    auto [rec, n] = co_await s.stream.socket().async_read_some(net::buffer(sink), kToken);
    if (rec) break;
    total += n;
  }
}

// Keeps the session alive until its watchdog has stopped.
net::awaitable<void> run_watchdog(std::shared_ptr<Session> s) {
  co_await s->watch.run();
}

net::awaitable<void> run_session(std::shared_ptr<Session> s) {
  auto& res = s->worker.resources();
  auto& ctx = res.ctx;
  bool first = true;
  bool linger = false;
  if (s->tls) {
    s->stream.enable_tls(*s->tls);
    const auto limits = res.snapshot()->config->server.limits;
    s->watch.arm_after(std::chrono::milliseconds(limits.header_timeout_ms),
                       DeadlineWatch::Action::cancel_client);
    auto [hec] = co_await s->stream.tls()->async_handshake(net::ssl::stream_base::server, kToken);
    if (hec) {
      boost::system::error_code ignored;
      s->stream.socket().close(ignored);
      s->watch.stop();
      co_return;
    }
  }
  for (;;) {
    const auto snap = res.snapshot();  // held for this request's whole life
    const auto& limits = snap->config->server.limits;
    // Between requests on a kept-alive connection: wait up to idle_timeout for the next one,
    // then header_timeout for its head. A new connection gets header_timeout for its first
    // head straight away (slowloris), and a 408 when it sends nothing in time. Under TLS,
    // OpenSSL may hold decrypted bytes the socket no longer signals, so a TLS session skips
    // the readiness wait and reads the head under the idle deadline.
    if (!first && s->buffer.size() == 0 && !s->stream.is_tls()) {
      s->idle = true;
      // Draining: a kept-alive connection is done; a new one still gets its one answer
      // (/health says 503 draining, requests are served with Connection: close).
      if (ctx.draining.load(std::memory_order_relaxed)) break;
      // Just after our answer the client's next request is rarely here yet: the read tries at
      // once only if epoll has said there are bytes since the last read drained the socket.
      // (Yielding to the other connections first was measured: two more trips through the
      // run queue per request, a longer latency tail.)
      s->watch.arm_after(std::chrono::milliseconds(limits.idle_timeout_ms),
                         DeadlineWatch::Action::cancel_client);
      auto [ec, n] = co_await async_receive_drained(s->stream.socket(), s->stream.reactor(),
                                                    s->buffer.prepare(kFirstRead), false, kToken);
      if (ec) break;  // closed, reset or idle too long between requests
      s->buffer.commit(n);
      s->idle = false;
    }
    const bool first_request = first;
    first = false;

    http::RequestParser parser;
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::uint64_t>(
        limits.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    parser.body_limit(limits.max_body_bytes);
    // A head that is all here is parsed at once; the deadline matters only for a wait.
    auto ec = read_header_now(s->stream, s->buffer, parser);
    bool timed_out = false;
    if (ec == net::error::would_block) {
      if (!s->stream.is_tls() || s->buffer.size() > 0 || first_request) {
        s->watch.arm_after(std::chrono::milliseconds(limits.header_timeout_ms),
                           DeadlineWatch::Action::cancel_client);
      } else {
        if (ctx.draining.load(std::memory_order_relaxed)) break;
        s->watch.arm_after(std::chrono::milliseconds(limits.idle_timeout_ms),
                           DeadlineWatch::Action::cancel_client);
      }
      ec = co_await read_header(s->stream, s->buffer, parser);
      timed_out = ec && s->watch.fired();
    }
    http::Exchange ex{s->stream, s->buffer,    parser,  s->watch,  res,
                      *snap,     s->client_ip, s->peer, s->scratch};
    ex.admin_only = s->admin_only;
    ex.tls = s->stream.is_tls();
    if (ec) {
      if (timed_out && (parser.got_some() || !s->stream.is_tls() || first_request)) {
        co_await http::reject_request(ex, ErrorKind::request_timeout, std::string());
      } else if (ec == bhttp::error::header_limit || ec == bhttp::error::body_limit ||
                 ec == bhttp::error::buffer_overflow || is_parse_error(ec)) {
        // Named, not a temporary inside co_await: g++ 12 destroys such temporaries twice.
        std::string detail = head_error_detail(ec, limits);
        co_await http::reject_request(ex, head_error(ec), std::move(detail));
        linger = true;
      }
      break;  // end_of_stream, partial_message, a reset: the client is gone
    }
    const bool keep_alive = co_await http::run_exchange(ex);
    if (!parser.is_done()) linger = true;  // answered before reading the body
    if (!keep_alive) break;
  }
  if (linger) co_await linger_close(*s);
  boost::system::error_code ignored;
  if (!s->stream.is_tls()) s->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  s->stream.socket().close(ignored);
  s->watch.stop();
}

}  // namespace

Session::Session(tcp::socket s, Worker& w, bool admin)
    : stream(std::move(s)), watch(stream.get_executor()), worker(w), admin_only(admin) {
  watch.set_client(&stream.socket());
}

void start_session(tcp::socket socket, Worker& worker, bool admin_only) {
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  socket.non_blocking(true, ec);  // the between-requests read must never block the worker
  auto s = std::make_shared<Session>(std::move(socket), worker, admin_only);
  const auto remote = s->stream.socket().remote_endpoint(ec);
  if (ec) return;  // already gone
  s->peer = remote.address();
  if (s->peer.is_v6() && s->peer.to_v6().is_v4_mapped())
    s->peer = net::ip::make_address_v4(net::ip::v4_mapped, s->peer.to_v6());
  s->client_ip = s->peer.to_string();
  if (!admin_only) s->tls = worker.resources().snapshot()->server_tls;
  s->registry_pos = worker.add_session(s.get());
  auto& ctx = worker.resources().ctx;
  ctx.connections.fetch_add(1, std::memory_order_relaxed);
  ctx.metrics.active_connections().Increment();
  net::co_spawn(worker.ioc(), run_watchdog(s), net::detached);
  net::co_spawn(worker.ioc(), run_session(s), [s](const std::exception_ptr&) {
    auto& c = s->worker.resources().ctx;
    c.connections.fetch_sub(1, std::memory_order_relaxed);
    c.metrics.active_connections().Decrement();
    s->worker.remove_session(s->registry_pos);
  });
}

}  // namespace smart_router::server
