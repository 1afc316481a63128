#include "smart_router/server/worker.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

#include "smart_router/config/host_port.hpp"
#include "smart_router/server/session.hpp"
#include "smart_router/upstream/endpoint.hpp"

namespace smart_router::server {
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

void admit_connection(tcp::socket socket, Worker& worker, bool admin_only) {
  const auto limit = worker.resources().refresh_snapshot()->config->server.limits.max_connections;
  if (worker.resources().ctx.connections.load(std::memory_order_relaxed) >=
      static_cast<std::int64_t>(limit)) {
    boost::system::error_code ignored;
    socket.close(ignored);  // over max_connections: refuse rather than queue unboundedly
    return;
  }
  start_session(std::move(socket), worker, admin_only);
}

net::awaitable<void> accept_loop(tcp::acceptor* acceptor, Worker* worker, bool admin_only) {
  for (;;) {
    auto [ec, socket] = co_await acceptor->async_accept(net::as_tuple(net::use_awaitable));
    if (ec == net::error::operation_aborted || !acceptor->is_open()) co_return;
    if (ec) {
      // Out of file descriptors and the like: back off briefly instead of spinning.
      spdlog::warn("accept failed: {}", ec.message());
      net::steady_timer pause(worker->ioc(), std::chrono::milliseconds(50));
      co_await pause.async_wait(net::as_tuple(net::use_awaitable));
      continue;
    }
    admit_connection(std::move(socket), *worker, admin_only);
  }
}

// Pooled upstream connections that could never be reused (idle too long, or closed by the
// upstream) are closed within this long, so an idle router holds no such socket.
constexpr std::chrono::seconds kIdleSweepInterval{1};

net::awaitable<void> sweep_idle_upstreams(Worker* worker) {
  net::steady_timer timer(worker->ioc());
  for (;;) {
    timer.expires_after(kIdleSweepInterval);
    auto [ec] = co_await timer.async_wait(net::as_tuple(net::use_awaitable));
    if (ec) co_return;
    const auto now_ms = upstream::steady_ms(std::chrono::steady_clock::now());
    worker->resources().connections.close_unusable(now_ms);
  }
}

}  // namespace

Worker::Worker(http::RouterContext& ctx, std::size_t index) : resources_(ctx), index_(index) {
  net::co_spawn(ioc_, sweep_idle_upstreams(this), net::detached);
}

tcp::endpoint Worker::listen(const tcp::endpoint& at, bool admin_only) {
  auto acceptor = std::make_unique<tcp::acceptor>(ioc_);
  acceptor->open(at.protocol());
  acceptor->set_option(net::socket_base::reuse_address(true));
  int one = 1;
  if (::setsockopt(acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)
    throw boost::system::system_error(errno, boost::system::system_category(), "SO_REUSEPORT");
  if (at.address().is_v6()) acceptor->set_option(net::ip::v6_only(false));
  acceptor->bind(at);
  acceptor->listen(net::socket_base::max_listen_connections);
  net::co_spawn(ioc_, accept_loop(acceptor.get(), this, admin_only), net::detached);
  auto bound = acceptor->local_endpoint();
  listeners_.push_back({std::move(acceptor), admin_only});
  return bound;
}

void Worker::begin_drain() {
  // The listeners stay open until exit, so /health can answer 503 draining and a request
  // still on its way from the load balancer is served (with Connection: close).
  boost::system::error_code ignored;
  for (Session* s : sessions_)
    if (s->idle) s->stream.socket().cancel(ignored);
  resources_.connections.clear();
}

void Worker::close_listeners() {
  for (auto& l : listeners_) {
    boost::system::error_code ec;
    l.acceptor->non_blocking(true, ec);
    while (!ec) {
      tcp::socket socket(ioc_);
      l.acceptor->accept(socket, ec);
      if (!ec) admit_connection(std::move(socket), *this, l.admin_only);
    }
    l.acceptor->close(ec);
  }
  listeners_closed_.store(true);
}

std::list<Session*>::iterator Worker::add_session(Session* s) {
  open_sessions_.fetch_add(1);
  return sessions_.insert(sessions_.end(), s);
}

void Worker::remove_session(std::list<Session*>::iterator it) {
  sessions_.erase(it);
  open_sessions_.fetch_sub(1);
}

namespace {
// Lent buffers kept for connections to take back: about as many as wake at once. Past this
// bound a lent buffer is freed (its memory then serves new connections and requests).
constexpr std::size_t kMaxLentHeadBuffers = 256;
constexpr std::size_t kHeadBufferSize = 1024;  // as ConnectionScratch reserves it
}  // namespace

void Worker::lend_head_buffer(std::string buffer) {
  if (buffer.capacity() == 0 || head_buffers_.size() >= kMaxLentHeadBuffers) return;  // freed
  head_buffers_.push_back(std::move(buffer));
}

std::string Worker::take_head_buffer() {
  if (head_buffers_.empty()) {
    std::string fresh;
    fresh.reserve(kHeadBufferSize);
    return fresh;
  }
  std::string buffer = std::move(head_buffers_.back());
  head_buffers_.pop_back();
  return buffer;
}

void ensure_address_free(const tcp::endpoint& at) {
  // SO_REUSEPORT lets a second router on the same port bind silently and take half the
  // connections. A plain bind (which SO_REUSEPORT sockets refuse) finds that out first.
  net::io_context ioc;
  tcp::acceptor probe(ioc);
  probe.open(at.protocol());
  probe.set_option(net::socket_base::reuse_address(true));
  if (at.address().is_v6()) probe.set_option(net::ip::v6_only(false));
  boost::system::error_code ec;
  probe.bind(at, ec);
  if (ec)
    throw std::runtime_error(ec.message() + " (is another smart-router running on this port?)");
}

tcp::endpoint parse_listen_address(const std::string& listen) {
  std::string why;
  const auto hp = config::parse_listen_address(listen, &why);
  if (!hp) throw std::invalid_argument("bad listen address " + listen + ": " + why);
  return {net::ip::make_address(hp->host), hp->port};
}

}  // namespace smart_router::server
