// Opening upstream connections: resolve when needed, connect within connect_timeout_ms.
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "smart_router/upstream/connection_pool.hpp"

namespace smart_router::upstream {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace net::experimental::awaitable_operators;

net::awaitable<std::unique_ptr<UpstreamConnection>> connect_upstream(
    std::shared_ptr<Endpoint> ep, std::uint32_t timeout_ms, boost::system::error_code& ec) {
  auto ex = co_await net::this_coro::executor;
  auto addrs = ep->resolved();
  if (addrs.empty()) {
    tcp::resolver resolver(ex);
    auto [rec, results] = co_await resolver.async_resolve(ep->host(), ep->port(),
                                                          net::as_tuple(net::use_awaitable));
    if (rec) {
      ec = rec;
      co_return nullptr;
    }
    for (const auto& r : results) addrs.push_back(r.endpoint());
    ep->set_resolved(addrs);
  }

  auto conn = std::make_unique<UpstreamConnection>(ex);
  conn->endpoint = ep;
  // Race the connect against the timer; the loser is cancelled.
  net::steady_timer timer(ex);
  timer.expires_after(std::chrono::milliseconds(timeout_ms));
  auto result = co_await (
      net::async_connect(conn->socket, addrs, net::as_tuple(net::use_awaitable)) ||
      timer.async_wait(net::as_tuple(net::use_awaitable)));
  if (result.index() == 1) {
    ec = net::error::timed_out;
    co_return nullptr;
  }
  if (auto cec = std::get<0>(std::get<0>(result)); cec) {
    ec = cec;
    co_return nullptr;
  }
  conn->socket.set_option(tcp::no_delay(true), ec);
  ec = {};
  co_return conn;
}

}  // namespace smart_router::upstream
