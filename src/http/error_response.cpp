#include "smart_router/http/error_response.hpp"

#include <boost/beast/http/status.hpp>
#include <nlohmann/json.hpp>

namespace smart_router::http {

ErrorStatus error_status(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::bad_request:
      return {400, "bad_request", "malformed request", 0};
    case ErrorKind::unknown_tier:
      return {400, "unknown_tier", "the tier header names no known tier", 0};
    case ErrorKind::unauthorized:
      return {401, "unauthorized", "the tier claim could not be verified", 0};
    case ErrorKind::route_respond:
      return {403, "forbidden", "refused by route", 0};
    case ErrorKind::no_route:
      return {404, "no_route", "no route matches this request", 0};
    case ErrorKind::request_timeout:
      return {408, "request_timeout", "request head not received in time", 0};
    case ErrorKind::payload_too_large:
      return {413, "payload_too_large", "request body exceeds max_body_bytes", 0};
    case ErrorKind::headers_too_large:
      return {431, "headers_too_large", "request head exceeds max_header_bytes", 0};
    case ErrorKind::rate_limited:
      return {429, "rate_limited", "rate limit exceeded", 1};
    case ErrorKind::bad_gateway:
      return {502, "bad_gateway", "the upstream failed to answer", 0};
    case ErrorKind::no_healthy_upstream:
      return {503, "no_healthy_upstream", "no healthy upstream endpoint", 1};
    case ErrorKind::overloaded:
      return {503, "overloaded", "the router is shedding load for this tier", 1};
    case ErrorKind::upstream_timeout:
      return {504, "upstream_timeout", "the upstream did not answer within the tier's timeout", 0};
  }
  return {500, "internal_error", "internal error", 0};
}

unsigned status_of(const ProxyError& err) {
  if (err.kind == ErrorKind::route_respond && err.respond_status != 0) return err.respond_status;
  return error_status(err.kind).status;
}

std::string_view reason_phrase(unsigned status) {
  auto reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  return {reason.data(), reason.size()};
}

std::string render_error(const ProxyError& err, std::string_view request_id, bool keep_alive) {
  const ErrorStatus info = error_status(err.kind);
  const unsigned status = status_of(err);
  std::string code(err.kind == ErrorKind::route_respond && !err.respond_code.empty()
                       ? std::string_view(err.respond_code)
                       : info.code);
  nlohmann::json body = {
      {"error", code},
      {"message", err.message.empty() ? std::string(info.default_message) : err.message},
      {"request_id", request_id},
  };
  const std::string text = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);

  std::string out;
  out.reserve(256 + text.size() + err.headers.size());
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += reason_phrase(status);
  out += "\r\nContent-Type: application/json\r\nContent-Length: ";
  out += std::to_string(text.size() + 1);
  out += "\r\nX-Request-Id: ";
  out += request_id;
  const unsigned retry_after = err.retry_after_s != 0 ? err.retry_after_s : info.retry_after_s;
  if (retry_after != 0) {
    out += "\r\nRetry-After: ";
    out += std::to_string(retry_after);
  }
  out += "\r\n";
  out += err.headers;
  out += keep_alive ? "\r\n" : "Connection: close\r\n\r\n";
  out += text;
  out += '\n';
  return out;
}

}  // namespace smart_router::http
