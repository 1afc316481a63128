// Opening upstream connections: resolve when needed, connect (and TLS handshake) within
// connect_timeout_ms, bounded by the caller's DeadlineWatch.
#include "smart_router/upstream/upstream_connector.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace smart_router::upstream {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr auto kToken = net::as_tuple(net::use_awaitable);

// Sets up SNI and peer verification on a fresh TLS stream; false when the name is unusable.
bool prepare_tls(net::ssl::stream<tcp::socket&>& ssl, const std::string& name, bool verify) {
  boost::system::error_code not_ip;
  net::ip::make_address(name, not_ip);
  if (not_ip && !SSL_set_tlsext_host_name(ssl.native_handle(), name.c_str())) return false;
  if (verify) {
    ssl.set_verify_mode(net::ssl::verify_peer);
    ssl.set_verify_callback(net::ssl::host_name_verification(name));
  } else {
    ssl.set_verify_mode(net::ssl::verify_none);
  }
  return true;
}

}  // namespace

net::awaitable<std::unique_ptr<UpstreamConnection>> connect_upstream(
    std::shared_ptr<Endpoint> ep, std::uint32_t timeout_ms, UpstreamTlsParams tls,
    DeadlineWatch& watch, boost::system::error_code& ec) {
  auto ex = co_await net::this_coro::executor;
  auto addrs = ep->resolved();
  if (!addrs || addrs->empty()) {
    tcp::resolver resolver(ex);
    auto [rec, results] = co_await resolver.async_resolve(ep->host(), ep->port(), kToken);
    if (rec) {
      ec = rec;
      co_return nullptr;
    }
    std::vector<tcp::endpoint> found;
    for (const auto& r : results) found.push_back(r.endpoint());
    ep->set_resolved(found);
    addrs = ep->resolved();
  }

  auto conn = std::make_unique<UpstreamConnection>(ex);
  conn->endpoint = ep;
  auto& socket = conn->stream.socket();
  // The watch closes the socket when connect_timeout_ms passes; the pending operation then
  // fails and fired() tells a timeout from a refusal.
  watch.set_upstream(&socket);
  watch.arm_after(std::chrono::milliseconds(timeout_ms), DeadlineWatch::Action::close_upstream);
  boost::system::error_code cec = net::error::host_not_found;
  for (const auto& addr : *addrs) {
    boost::system::error_code ignored;
    socket.close(ignored);
    auto [e] = co_await socket.async_connect(addr, kToken);
    cec = e;
    if (!cec || watch.fired()) break;
  }
  if (watch.fired()) {
    ec = net::error::timed_out;
    co_return nullptr;
  }
  if (cec) {
    ec = cec;
    co_return nullptr;
  }
  socket.set_option(tcp::no_delay(true), ec);
  socket.non_blocking(true, ec);  // stream_io's at-once reads and writes must never block
  ec = {};
  if (tls.context != nullptr) {
    conn->stream.enable_tls(*tls.context);
    auto* ssl = conn->stream.tls();
    if (!prepare_tls(*ssl, tls.sni.empty() ? ep->host() : tls.sni, tls.verify)) {
      ec = net::error::invalid_argument;
      co_return nullptr;
    }
    auto [hec] = co_await ssl->async_handshake(net::ssl::stream_base::client, kToken);
    if (watch.fired()) {
      ec = net::error::timed_out;
      co_return nullptr;
    }
    if (hec) {
      ec = hec;
      co_return nullptr;
    }
  }
  watch.disarm();
  co_return conn;
}

}  // namespace smart_router::upstream
