// The router's own error answers: {"error": CODE, "message": ..., "request_id": ...}.
#pragma once

#include <string>
#include <string_view>

#include "smart_router/common/error.hpp"

namespace smart_router::http {

struct ErrorStatus {
  unsigned status;
  std::string_view code;
  std::string_view default_message;
  unsigned retry_after_s;  // 0 = no Retry-After header
};

// The single table from error kind to the contract's status, code and Retry-After.
ErrorStatus error_status(ErrorKind kind);

// Status code an error answers with (route_respond uses the route's own status).
unsigned status_of(const ProxyError& err);

// Full HTTP/1.1 response bytes (head and JSON body). `keep_alive` false adds Connection: close.
std::string render_error(const ProxyError& err, std::string_view request_id, bool keep_alive);

// Reason phrase for a status code ("Not Found"); "Unknown" when not standard.
std::string_view reason_phrase(unsigned status);

}  // namespace smart_router::http
