// The router's own error answers: {"error": CODE, "message": ..., "request_id": ...}.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "smart_router/common/error.hpp"
#include "smart_router/http/local_answer.hpp"

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

// The code an error is recorded and answered with ("route_respond" for a route's refusal).
std::string_view recorded_code(const ProxyError& err);

// An error as the router's answer: the contract's JSON body, Retry-After from the table (unless
// the error brings its own) and the error's headers. For a gRPC request (`grpc`), the same
// error as gRPC's trailers-only answer: 200, application/grpc, grpc-status and grpc-message,
// no body (http/grpc.hpp). Keeps what the answer points into.
class ErrorAnswer {
 public:
  static constexpr std::size_t kMaxHeaders = 8;  // Retry-After + a rate limiter's few + gRPC's

  ErrorAnswer(const ProxyError& err, std::string_view request_id, bool grpc = false);
  ErrorAnswer(const ErrorAnswer&) = delete;  // the answer points into this object
  ErrorAnswer& operator=(const ErrorAnswer&) = delete;

  LocalAnswer answer() const;

 private:
  unsigned status_;
  std::string body_;
  std::array<HeaderLine, kMaxHeaders> headers_;
  std::size_t header_count_ = 0;
  std::string retry_after_;
  std::string_view content_type_ = "application/json";
  std::string grpc_status_;
  std::string grpc_message_;
};

// Reason phrase for a status code ("Not Found"); "Unknown" when not standard.
std::string_view reason_phrase(unsigned status);

}  // namespace smart_router::http
