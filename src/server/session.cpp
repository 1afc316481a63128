#include "smart_router/server/session.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <limits>
#include <optional>

#include "smart_router/common/stream_io.hpp"
#include "smart_router/http/request.hpp"
#include "smart_router/server/worker.hpp"

namespace smart_router::server {
namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr auto kToken = net::as_tuple(net::use_awaitable);
// The read buffer of a connection waiting for its next request: enough for most request heads
// in one read, small enough to keep 10,000 idle connections cheap (a larger head is read on by
// the head parser, which grows the buffer; bench/idle-connections.sh).
constexpr std::size_t kIdleRead = 1024;
// Empty lines before a request line are skipped this many times (each time all that are
// there), then the request is refused: a bound on a client that sends only empty lines.
constexpr unsigned kMaxEmptyLineSkips = 4;

// The error a request head that failed to parse answers with.
ErrorKind head_error(const boost::system::error_code& ec) {
  if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow)
    return ErrorKind::headers_too_large;
  if (ec == bhttp::error::body_limit) return ErrorKind::payload_too_large;
  return ErrorKind::bad_request;
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

net::awaitable<bool> tls_handshake(Session& s) {
  const auto snap = s.worker.resources().refresh_snapshot();
  s.stream.enable_tls(*s.tls);
  s.watch.arm_after(std::chrono::milliseconds(snap->config->server.limits.header_timeout_ms),
                    DeadlineWatch::Action::cancel_client);
  auto [ec] = co_await s.stream.tls()->async_handshake(net::ssl::stream_base::server, kToken);
  co_return !ec;
}

// Between requests on a kept-alive connection: arms idle_timeout for the wait for the next
// one. False: draining, so a kept-alive connection is done (a new one still gets its one
// answer: /health says 503 draining, requests are served with Connection: close).
bool start_idle_wait(Session& s, const config::Limits& limits) {
  s.idle = true;
  if (s.worker.resources().ctx.draining.load(std::memory_order_relaxed)) return false;
  s.watch.arm_after(std::chrono::milliseconds(limits.idle_timeout_ms),
                    DeadlineWatch::Action::cancel_client);
  return true;
}

// Arms the deadline of a wait for a request head: header_timeout_ms for a head under way (and
// a new connection's first: slowloris), else, under TLS (where OpenSSL may hold decrypted bytes
// the socket no longer signals, so the readiness wait is skipped), idle_timeout_ms for the next
// request. False: a TLS connection between requests while draining is done.
bool arm_head_wait(Session& s, const config::Limits& limits, bool first_request) {
  if (!s.stream.is_tls() || s.buffer.size() > 0 || first_request) {
    s.watch.arm_after(std::chrono::milliseconds(limits.header_timeout_ms),
                      DeadlineWatch::Action::cancel_client);
    return true;
  }
  if (s.worker.resources().ctx.draining.load(std::memory_order_relaxed)) return false;
  s.watch.arm_after(std::chrono::milliseconds(limits.idle_timeout_ms),
                    DeadlineWatch::Action::cancel_client);
  return true;
}

void apply_limits(http::RequestParser& parser, const config::Limits& limits) {
  const auto head_limit = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(limits.max_header_bytes, std::numeric_limits<std::uint32_t>::max()));
  parser.header_limit(head_limit);
  parser.framing_limit(head_limit);  // a chunked body's lines and trailer section: the same
  parser.body_limit(limits.max_body_bytes);
  parser.max_fields(limits.max_header_count);
}

// RFC 9112 2.2: empty lines before a request line are ignored (a client's stray CRLF after a
// body, say). Beast refuses them as a bad method, before consuming anything: drop them, and
// the caller parses again with a new parser. True when there were some, within `budget` bytes
// (max_header_bytes for all of a request's: they count as part of its head).
bool skip_empty_lines(const boost::system::error_code& ec, boost::beast::flat_buffer& buffer,
                      std::uint64_t& budget) {
  if (ec != bhttp::error::bad_method) return false;
  const auto n = http::leading_empty_lines(
      {static_cast<const char*>(buffer.data().data()), buffer.data().size()});
  if (n == 0 || n > budget) return false;
  budget -= n;
  buffer.consume(n);
  return true;
}

// The answer to a head that could not be read, if it gets one (a client that went away
// mid-head gets none).
std::optional<ProxyError> head_refusal(const boost::system::error_code& ec, bool timed_out,
                                       const http::RequestParser& parser, const Session& s,
                                       const config::Limits& limits, bool first_request) {
  if (timed_out && (parser.got_some() || !s.stream.is_tls() || first_request))
    return ProxyError{ErrorKind::request_timeout, {}, 0, {}, {}};
  if (auto strict = http::head_error_answer(ec, limits.max_header_count)) return strict;
  if (ec == bhttp::error::header_limit || ec == bhttp::error::body_limit ||
      ec == bhttp::error::buffer_overflow || http::is_beast_parse_error(ec))
    return ProxyError{head_error(ec), head_error_detail(ec, limits), 0, {}, {}};
  return std::nullopt;  // end_of_stream, partial_message, a reset: the client is gone
}

void close_session(Session& s) {
  boost::system::error_code ignored;
  if (!s.stream.is_tls()) s.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  s.stream.socket().close(ignored);
  s.watch.stop();
}

// The keep-alive loop. The waits are awaited here, not in helper coroutines: a coroutine frame
// per request costs a few hundred instructions.
net::awaitable<void> run_session(std::shared_ptr<Session> s) {
  auto& res = s->worker.resources();
  if (s->tls && !co_await tls_handshake(*s)) {
    close_session(*s);
    co_return;
  }
  const http::ClientConnection client{s->stream,     s->buffer,        s->watch,
                                      s->peer,       s->client_ip,     s->stream.is_tls(),
                                      s->admin_only, &res.ctx.draining};
  bool linger = false;  // answered before the request was read to its end
  for (bool first = true;; first = false) {
    const auto snap = res.refresh_snapshot();  // held for this request's whole life
    const auto& limits = snap->config->server.limits;
    if (!first && s->buffer.size() == 0 && !s->stream.is_tls()) {
      // Just after our answer the client's next request is rarely here yet: the read tries at
      // once only if epoll has said there are bytes since the last read drained the socket.
      // (Yielding to the other connections first was measured: two more trips through the
      // run queue per request, a longer latency tail.)
      if (!start_idle_wait(*s, limits)) break;
      if (s->buffer.capacity() > kIdleRead) s->buffer.shrink_to_fit();  // empty: frees it
      s->worker.lend_head_buffer(std::move(s->scratch.head));
      auto [ec, n] = co_await async_receive_drained(s->stream.socket(), s->stream.reactor(),
                                                    s->buffer.prepare(kIdleRead), false, kToken);
      s->scratch.head = s->worker.take_head_buffer();
      if (ec) break;  // closed, reset or idle too long between requests
      s->buffer.commit(n);
      s->idle = false;
    }
    std::optional<http::RequestParser> parser;
    boost::system::error_code ec;
    bool waited = false;
    bool done = false;  // a TLS connection between requests while draining
    std::uint64_t empty_line_budget = limits.max_header_bytes;
    std::size_t head_bytes = 0;  // what the parser took: the head's size, exactly
    for (unsigned skips = 0;; ++skips) {
      parser.emplace();
      apply_limits(*parser, limits);
      head_bytes = 0;
      // A head that is all here is parsed at once; the deadline matters only for a wait.
      ec = read_header_now(s->stream, s->buffer, *parser, &head_bytes);
      if (ec == net::error::would_block) {
        if (!waited && !arm_head_wait(*s, limits, first)) {
          done = true;
          break;
        }
        ec = co_await read_header(s->stream, s->buffer, *parser, true, &head_bytes);
        waited = true;
      }
      if (!ec || skips == kMaxEmptyLineSkips || !skip_empty_lines(ec, s->buffer, empty_line_budget))
        break;
    }
    if (done) break;
    // Beast bounds each pass over what has arrived, not the head: a head that came in parts
    // could pass the limit by the size of its parts (the limit's own value, at most, each).
    if (!ec && head_bytes > limits.max_header_bytes) ec = bhttp::error::header_limit;
    http::Downstream down(client, *parser, s->scratch.head,
                          std::chrono::milliseconds(limits.idle_timeout_ms));
    http::Request req(down, res, *snap, s->scratch);
    if (ec) {
      const auto refusal = head_refusal(ec, waited && s->watch.fired(), *parser, *s, limits, first);
      if (refusal) {
        co_await http::reject_request(req, *refusal);
        linger = refusal->kind != ErrorKind::request_timeout;
      }
      break;
    }
    co_await http::run_request(req);
    // An unread body, or bytes behind the head the router will not read (a refused CONNECT's
    // tunnel, a pipelined request after a close): closed at once, they would reset the
    // connection, which can destroy the answer before the client reads it.
    if (!parser->is_done() || (!down.keep_alive() && s->buffer.size() > 0)) linger = true;
    if (!down.keep_alive()) break;
  }
  if (linger) co_await linger_close(*s);
  close_session(*s);
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
  if (!admin_only) s->tls = worker.resources().server_tls();
  s->registry_pos = worker.add_session(s.get());
  auto& ctx = worker.resources().ctx;
  ctx.connections.fetch_add(1, std::memory_order_relaxed);
  ctx.metrics.active_connections().Increment();
  // The completion handler keeps the session alive until its watchdog has stopped (no
  // coroutine of its own around watch.run(): one frame less per connection).
  net::co_spawn(worker.ioc(), s->watch.run(), [s](const std::exception_ptr&) {});
  net::co_spawn(worker.ioc(), run_session(s), [s](const std::exception_ptr& e) {
    // None is expected; one that escaped would leave the socket open and the watchdog holding
    // the session for ever (a chunked trailer field past Beast's 64 KiB once did): close it.
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        spdlog::error("connection from {} ended by an exception: {}", s->client_ip, x.what());
      } catch (...) {
        spdlog::error("connection from {} ended by an exception", s->client_ip);
      }
      close_session(*s);
    }
    auto& c = s->worker.resources().ctx;
    c.connections.fetch_sub(1, std::memory_order_relaxed);
    c.metrics.active_connections().Decrement();
    s->worker.remove_session(s->registry_pos);
  });
}

}  // namespace smart_router::server
