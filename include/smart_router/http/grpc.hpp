// gRPC's view of the router's own answers and deadlines (the contract's "gRPC errors" and
// "gRPC deadline"): a request whose content-type is application/grpc[+proto|;...] gets the
// router's errors as a trailers-only answer (HTTP 200, content-type application/grpc,
// grpc-status and grpc-message, no body) that gRPC clients read as a status; its grpc-timeout
// tightens the deadline, and the upstream gets grpc-timeout rewritten to what is left.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "smart_router/common/error.hpp"

namespace smart_router::http {

// application/grpc, application/grpc+proto, application/grpc;charset=..., in any case.
bool is_grpc_content_type(std::string_view value);

// "TimeoutValue TimeoutUnit": 1 to 8 digits, then H, M, S, m, u or n (gRPC over HTTP/2).
// Rounded up to whole milliseconds; nullopt when malformed (then it is ignored).
std::optional<std::chrono::milliseconds> parse_grpc_timeout(std::string_view value);

// The grpc-timeout that says `ms` (at most 8 digits: larger budgets say hours).
std::string grpc_timeout_text(std::int64_t ms);

// The status code for one of the router's errors: the contract's table (no route 12,
// overloaded 14, rate limited 8, upstream timeout 4, no healthy upstream 14, unauthorized 16,
// tier required 7), the rest as gRPC maps HTTP statuses.
unsigned grpc_status_of(const ProxyError& err, unsigned http_status);

// grpc-message: percent-encoded as the gRPC spec says (bytes outside 0x20-0x7E, and '%').
std::string grpc_message(std::string_view text);

}  // namespace smart_router::http
