// Opening upstream connections (src/upstream/upstream_connector.cpp): for requests and for
// health probes.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "smart_router/common/deadline_watch.hpp"
#include "smart_router/upstream/connection_pool.hpp"
#include "smart_router/upstream/endpoint.hpp"

namespace smart_router::upstream {

// How to speak TLS to a pool's endpoints (null context = plain TCP).
struct UpstreamTlsParams {
  boost::asio::ssl::context* context = nullptr;
  std::string sni;  // server name sent and verified; the endpoint's host when empty
  bool verify = true;
};

// Opens a new connection to one of ep's resolved addresses, TLS handshake included, within
// timeout_ms.
// `watch` bounds the connect and handshake (it is left disarmed on success).
boost::asio::awaitable<std::unique_ptr<UpstreamConnection>> connect_upstream(
    std::shared_ptr<Endpoint> ep, std::uint32_t timeout_ms, UpstreamTlsParams tls,
    DeadlineWatch& watch, boost::system::error_code& ec);

}  // namespace smart_router::upstream
