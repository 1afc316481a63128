// Opening upstream connections: resolve when needed, connect within connect_timeout_ms.
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "smart_router/upstream/connection_pool.hpp"

namespace smart_router::upstream {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace net::experimental::awaitable_operators;

net::awaitable<std::unique_ptr<UpstreamConnection>> connect_upstream(
    std::shared_ptr<Endpoint> ep, std::uint32_t timeout_ms, UpstreamTlsParams tls,
    boost::system::error_code& ec) {
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
      net::async_connect(conn->stream.socket(), addrs, net::as_tuple(net::use_awaitable)) ||
      timer.async_wait(net::as_tuple(net::use_awaitable)));
  if (result.index() == 1) {
    ec = net::error::timed_out;
    co_return nullptr;
  }
  if (auto cec = std::get<0>(std::get<0>(result)); cec) {
    ec = cec;
    co_return nullptr;
  }
  conn->stream.socket().set_option(tcp::no_delay(true), ec);
  ec = {};
  if (tls.context != nullptr) {
    conn->stream.enable_tls(*tls.context);
    auto* ssl = conn->stream.tls();
    const std::string& name = tls.sni.empty() ? ep->host() : tls.sni;
    boost::system::error_code ignored;
    const auto ip = net::ip::make_address(name, ignored);
    if (ignored && !SSL_set_tlsext_host_name(ssl->native_handle(), name.c_str())) {
      ec = net::error::invalid_argument;
      co_return nullptr;
    }
    if (tls.verify) {
      ssl->set_verify_mode(net::ssl::verify_peer);
      ssl->set_verify_callback(net::ssl::host_name_verification(name));
    } else {
      ssl->set_verify_mode(net::ssl::verify_none);
    }
    (void)ip;
    timer.expires_after(std::chrono::milliseconds(timeout_ms));
    auto hs = co_await (ssl->async_handshake(net::ssl::stream_base::client,
                                             net::as_tuple(net::use_awaitable)) ||
                        timer.async_wait(net::as_tuple(net::use_awaitable)));
    if (hs.index() == 1) {
      ec = net::error::timed_out;
      co_return nullptr;
    }
    if (auto hec = std::get<0>(std::get<0>(hs)); hec) {
      ec = hec;
      co_return nullptr;
    }
  }
  co_return conn;
}

}  // namespace smart_router::upstream
