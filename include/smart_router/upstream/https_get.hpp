// One HTTPS GET with the router's own TLS client (upstream_connector.hpp), for documents the
// router fetches for itself (the JWKS). The peer's certificate is verified against `tls` and
// the URL's host name; redirects are not followed.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <string>

#include "smart_router/config/host_port.hpp"

namespace smart_router::upstream {

struct HttpsGetResult {
  bool ok = false;  // a 200 answer, body read whole
  std::string body;
  std::string error;  // why not, for the log ("HTTP 404", "certificate verify failed", ...)
};

// Bounded by `timeout` as a whole; a body over `max_body` bytes is an error.
boost::asio::awaitable<HttpsGetResult> https_get(config::HttpsUrl url,
                                                 boost::asio::ssl::context& tls,
                                                 std::chrono::milliseconds timeout,
                                                 std::size_t max_body);

}  // namespace smart_router::upstream
