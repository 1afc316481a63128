#include "respond.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "echo.hpp"
#include "knobs.hpp"
#include "options.hpp"
#include "pattern_body.hpp"

namespace mock_upstream {

namespace {

constexpr std::size_t kMaxFieldValue = 65000;  // Beast keeps a field value under 64 KiB
constexpr std::string_view kMalformed = "HTTP/1.1 2x0 WHAT\r\n\r\n";

std::string_view to_sv(beast::string_view s) {
  return {s.data(), s.size()};
}

bool has_no_body(unsigned status) {
  return status == 204 || status == 304;
}

// Headers every answer carries.
template <class Body>
void set_common(http::response<Body>& res, const State& state, const Request& req,
                ConnectionRef conn, bool keep_alive) {
  res.version(req.version());
  res.set("X-Upstream", state.name);
  res.set("X-Connection-Id", std::to_string(conn.id));
  res.set("X-Request-Index", std::to_string(conn.request_index));
  if (conn.service != nullptr) {
    res.set("X-Mock-Service-Order", std::to_string(conn.service->order));
    res.set("X-Mock-Service-Start-Us", std::to_string(conn.service->start_us));
    res.set("X-Mock-Service-End-Us", std::to_string(conn.service->end_us));
  }
  res.keep_alive(keep_alive);
}

void add_padding(http::fields& fields, std::uint64_t total) {
  // One X-Padding header up to kMaxFieldValue bytes; more is split over repeated X-Padding lines.
  while (total > 0) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(total, kMaxFieldValue));
    fields.insert("X-Padding", std::string(n, 'x'));
    total -= n;
  }
}

// Writes res; for HEAD or a bodiless status only the header goes out.
template <class Body>
net::awaitable<bool> send(tcp::socket& socket, http::response<Body>& res, bool header_only) {
  if (header_only) {
    http::response_serializer<Body> sr{res};
    auto [ec, n] = co_await http::async_write_header(socket, sr, kTok);
    co_return !ec;
  }
  auto [ec, n] = co_await http::async_write(socket, res, kTok);
  co_return !ec;
}

void close_with_reset(tcp::socket& socket) {
  beast::error_code ignored;
  socket.set_option(net::socket_base::linger(true, 0), ignored);
  socket.close(ignored);
}

// hang=1: swallow whatever the client sends until it goes away.
net::awaitable<void> wait_for_client_close(tcp::socket& socket) {
  std::array<char, 4096> sink;
  for (;;) {
    auto [ec, n] = co_await socket.async_read_some(net::buffer(sink), kTok);
    if (ec) co_return;
  }
}

net::awaitable<Next> send_json(tcp::socket& socket, const State& state, const Request& req,
                               ConnectionRef conn, http::status status, std::string body) {
  http::response<http::string_body> res{status, req.version()};
  const bool keep_alive = req.keep_alive();
  set_common(res, state, req, conn, keep_alive);
  res.set(http::field::content_type, "application/json");
  res.body() = std::move(body);
  res.content_length(res.body().size());
  const bool ok = co_await send(socket, res, req.method() == http::verb::head);
  co_return ok&& keep_alive ? Next::keep_alive : Next::close;
}

net::awaitable<Next> send_pattern(tcp::socket& socket, const State& state, const Request& req,
                                  ConnectionRef conn, const Knobs& knobs, bool keep_alive) {
  const unsigned status = knobs.status.value_or(200);
  http::response<PatternBody> res{static_cast<http::status>(status), req.version()};
  set_common(res, state, req, conn, keep_alive);
  add_padding(res, knobs.header_bytes);
  res.set(http::field::content_type, "application/octet-stream");
  res.body() = *knobs.body_bytes;
  if (!has_no_body(status)) {
    if (knobs.chunked && req.version() >= 11) {
      res.chunked(true);
    } else {
      res.content_length(*knobs.body_bytes);
    }
  }
  const bool ok =
      co_await send(socket, res, req.method() == http::verb::head || has_no_body(status));
  co_return ok&& keep_alive ? Next::keep_alive : Next::close;
}

net::awaitable<Next> send_echo(tcp::socket& socket, const State& state, const Request& req,
                               ConnectionRef conn, const Knobs& knobs, std::string_view path,
                               std::string_view query, bool keep_alive) {
  const unsigned status = knobs.status.value_or(200);
  EchoInput in;
  in.upstream = state.name;
  in.method = to_sv(req.method_string());
  in.path = path;
  in.query = query;
  in.version = req.version();
  in.headers = &req.base();
  in.body_bytes = req.body().bytes;
  in.body_fnv1a = req.body().hash.value();
  in.connection_id = conn.id;
  in.request_index = conn.request_index;

  http::response<http::string_body> res{static_cast<http::status>(status), req.version()};
  set_common(res, state, req, conn, keep_alive);
  add_padding(res, knobs.header_bytes);
  res.set(http::field::content_type, "application/json");
  if (!has_no_body(status)) {
    res.body() = render_echo(in);
    res.content_length(res.body().size());
  }
  const bool ok =
      co_await send(socket, res, req.method() == http::verb::head || has_no_body(status));
  co_return ok&& keep_alive ? Next::keep_alive : Next::close;
}

net::awaitable<Next> method_not_allowed(tcp::socket& socket, const State& state, const Request& req,
                                        ConnectionRef conn, std::string_view allow) {
  http::response<http::string_body> res{http::status::method_not_allowed, req.version()};
  const bool keep_alive = req.keep_alive();
  set_common(res, state, req, conn, keep_alive);
  res.set(http::field::allow, allow);
  res.set(http::field::content_type, "application/json");
  res.body() = render_error("method_not_allowed", allow);
  res.content_length(res.body().size());
  const bool ok = co_await send(socket, res, req.method() == http::verb::head);
  co_return ok&& keep_alive ? Next::keep_alive : Next::close;
}

StatsSnapshot snapshot(const State& state) {
  StatsSnapshot stats;
  stats.connections_accepted = state.connections_accepted.load(std::memory_order_relaxed);
  stats.requests = state.requests.load(std::memory_order_relaxed);
  stats.health_checks = state.health_checks.load(std::memory_order_relaxed);
  stats.cancelled = state.cancelled.load(std::memory_order_relaxed);
  if (state.capacity) stats.capacity = state.capacity->stats();
  return stats;
}

// POST /admin/service?ms=T: the service time of requests that enter service from now on.
net::awaitable<Next> set_service(tcp::socket& socket, State& state, const Request& req,
                                 ConnectionRef conn, std::string_view query) {
  if (!state.capacity) {
    std::string body = render_error("not_in_capacity_mode", "start with --slots N --service-ms T");
    co_return co_await send_json(socket, state, req, conn, http::status::conflict, std::move(body));
  }
  const auto ms = query_uint(query, "ms");
  if (!ms || *ms > kMaxServiceMs) {
    std::string body = render_error("bad_request", "want ?ms=0..3600000");
    co_return co_await send_json(socket, state, req, conn, http::status::bad_request,
                                 std::move(body));
  }
  state.capacity->set_service_ms(*ms);
  std::string body = render_service(state.capacity->stats());
  co_return co_await send_json(socket, state, req, conn, http::status::ok, std::move(body));
}

// /admin/health/fail, /admin/health/ok, /admin/stats, /admin/service. Not counted as requests.
net::awaitable<Next> respond_admin(tcp::socket& socket, State& state, const Request& req,
                                   ConnectionRef conn, std::string_view path,
                                   std::string_view query) {
  if (path == "/admin/stats") {
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      co_return co_await method_not_allowed(socket, state, req, conn, "GET");
    }
    std::string body = render_stats(snapshot(state));
    co_return co_await send_json(socket, state, req, conn, http::status::ok, std::move(body));
  }
  if (req.method() != http::verb::post) {
    co_return co_await method_not_allowed(socket, state, req, conn, "POST");
  }
  if (path == "/admin/service") co_return co_await set_service(socket, state, req, conn, query);
  const bool healthy = path == "/admin/health/ok";
  state.healthy.store(healthy, std::memory_order_relaxed);
  std::string body = render_health_flag(healthy, state.name);
  co_return co_await send_json(socket, state, req, conn, http::status::ok, std::move(body));
}

bool is_admin_path(std::string_view path) {
  return path == "/admin/stats" || path == "/admin/health/fail" || path == "/admin/health/ok" ||
         path == "/admin/service";
}

}  // namespace

net::awaitable<Next> respond(tcp::socket& socket, beast::flat_buffer& buffer, State& state,
                             const Request& req, ConnectionRef conn) {
  const std::string_view target = to_sv(req.target());
  const auto qmark = target.find('?');
  const std::string_view path = target.substr(0, qmark);
  const std::string_view query =
      qmark == std::string_view::npos ? std::string_view{} : target.substr(qmark + 1);

  if (path == "/health") {
    state.health_checks.fetch_add(1, std::memory_order_relaxed);
    const bool healthy = state.healthy.load(std::memory_order_relaxed);
    std::string body = render_health(healthy, state.name);
    const auto status = healthy ? http::status::ok : http::status::service_unavailable;
    co_return co_await send_json(socket, state, req, conn, status, std::move(body));
  }
  if (is_admin_path(path)) {
    co_return co_await respond_admin(socket, state, req, conn, path, query);
  }

  state.requests.fetch_add(1, std::memory_order_relaxed);
  std::optional<ServiceRecord> service;
  if (state.capacity) {
    service = co_await serve_in_slot(socket, buffer, *state.capacity);
    if (!service) {
      state.cancelled.fetch_add(1, std::memory_order_relaxed);
      co_return Next::close;
    }
    conn.service = &*service;
  }
  const Knobs knobs = parse_knobs(query, req.base());
  if (knobs.hang) {
    co_await wait_for_client_close(socket);
    state.cancelled.fetch_add(1, std::memory_order_relaxed);
    co_return Next::close;
  }
  if (knobs.delay_ms > 0) {
    net::steady_timer timer{socket.get_executor(), std::chrono::milliseconds(knobs.delay_ms)};
    if (!co_await wait_unless_closed(socket, buffer, timer)) {
      state.cancelled.fetch_add(1, std::memory_order_relaxed);
      co_return Next::close;
    }
  }
  if (knobs.reset) {
    close_with_reset(socket);
    co_return Next::close;
  }
  if (knobs.malformed) {
    [[maybe_unused]] auto [ec, n] =
        co_await net::async_write(socket, net::buffer(kMalformed), kTok);
    co_return Next::close;
  }
  const bool keep_alive = req.keep_alive() && !knobs.close;
  if (knobs.body_bytes) {
    co_return co_await send_pattern(socket, state, req, conn, knobs, keep_alive);
  }
  co_return co_await send_echo(socket, state, req, conn, knobs, path, query, keep_alive);
}

net::awaitable<void> reject_bad_request(tcp::socket& socket, State& state, beast::error_code why) {
  http::response<http::string_body> res{http::status::bad_request, 11};
  res.set("X-Upstream", state.name);
  res.set(http::field::content_type, "application/json");
  res.keep_alive(false);
  res.body() = render_error("bad_request", why.message());
  res.content_length(res.body().size());
  [[maybe_unused]] auto [ec, n] = co_await http::async_write(socket, res, kTok);
}

}  // namespace mock_upstream
