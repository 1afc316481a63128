// One error taxonomy for the whole request path. Mapped to the contract's status, JSON code and
// Retry-After in exactly one place: http/error_response.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace smart_router {

enum class ErrorKind : std::uint8_t {
  bad_request,          // 400 malformed request
  unknown_tier,         // 400 unknown tier with on_unknown: reject
  unauthorized,         // 401 unproven tier claim with on_untrusted: reject
  route_respond,        // a `respond` route: status and code from the route
  no_route,             // 404
  method_not_allowed,   // 405 a method server.allowed_methods does not list (one Beast knows)
  request_timeout,      // 408 head not complete in header_timeout_ms
  payload_too_large,    // 413
  headers_too_large,    // 431
  rate_limited,         // 429 a rate limit (rate_limits) refused it
  bad_gateway,          // 502 upstream refused, reset, or sent a malformed response
  no_healthy_upstream,  // 503
  overloaded,           // 503 shed by priority
  upstream_timeout,     // 504 the tier's timeout_ms ran out
  not_implemented,      // 501 an unlisted unknown method, a transfer coding besides chunked
};

// Where the failure came from: decides retries and which side's metrics it lands in.
enum class ErrorSource : std::uint8_t { downstream, upstream, internal };

// A header an error answer carries besides the table's Retry-After (a rate limiter's
// RateLimit-Policy, say; its own Retry-After replaces the table's).
struct ErrorHeader {
  std::string name;
  std::string value;
  bool operator==(const ErrorHeader&) const = default;
};

struct ProxyError {
  ErrorKind kind = ErrorKind::bad_request;
  std::string message;               // human-readable detail for the JSON body
  unsigned respond_status = 0;       // route_respond only
  std::string respond_code;          // route_respond only
  std::vector<ErrorHeader> headers;  // empty for most errors (an empty vector allocates nothing)
};

}  // namespace smart_router
