#include "smart_router/http/error_response.hpp"

#include <algorithm>
#include <array>
#include <boost/beast/http/status.hpp>
#include <nlohmann/json.hpp>

#include "smart_router/http/grpc.hpp"
#include "smart_router/http/header_rules.hpp"

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
    case ErrorKind::method_not_allowed:
      return {405, "method_not_allowed", "the method is not allowed here", 0};
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
    case ErrorKind::not_implemented:
      return {501, "not_implemented", "the router does not implement this", 0};
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

std::string_view recorded_code(const ProxyError& err) {
  return err.kind == ErrorKind::route_respond ? std::string_view("route_respond")
                                              : error_status(err.kind).code;
}

namespace {

// A JSON string. The router's own messages, codes and ids are printable ASCII with nothing to
// escape: they are copied (a refusal under a flood is built thousands of times a second);
// anything else goes through nlohmann (escapes, and invalid UTF-8 replaced).
constexpr std::array<bool, 256> kPlainJson = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x7f; ++c) t[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return t;
}();

void append_json_string(std::string& out, std::string_view s) {
  const bool plain = std::all_of(s.begin(), s.end(),
                                 [](char c) { return kPlainJson[static_cast<unsigned char>(c)]; });
  if (plain) {
    out += '"';
    out += s;
    out += '"';
    return;
  }
  out +=
      nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

ErrorAnswer::ErrorAnswer(const ProxyError& err, std::string_view request_id, bool grpc)
    : status_(status_of(err)) {
  const ErrorStatus info = error_status(err.kind);
  const std::string_view message = err.message.empty() ? info.default_message : err.message;
  if (grpc) {
    // Trailers-only: the status and the message travel in the head, and there is no body.
    content_type_ = "application/grpc";
    grpc_status_ = std::to_string(grpc_status_of(err, status_));
    grpc_message_ = grpc_message(message);
    headers_[header_count_++] = {"grpc-status", grpc_status_};
    headers_[header_count_++] = {"grpc-message", grpc_message_};
    status_ = 200;
  } else {
    const std::string_view code = err.kind == ErrorKind::route_respond && !err.respond_code.empty()
                                      ? std::string_view(err.respond_code)
                                      : info.code;
    // {"error":...,"message":...,"request_id":...}: the keys in nlohmann's (sorted) order.
    body_.reserve(64 + code.size() + message.size() + request_id.size());
    body_ += "{\"error\":";
    append_json_string(body_, code);
    body_ += ",\"message\":";
    append_json_string(body_, message);
    body_ += ",\"request_id\":";
    append_json_string(body_, request_id);
    body_ += '}';
    body_ += '\n';
  }
  bool own_retry_after = false;
  for (const auto& h : err.headers) {
    if (header_count_ == kMaxHeaders) break;
    headers_[header_count_++] = {h.name, h.value};
    own_retry_after = own_retry_after || iequals(h.name, "retry-after");
  }
  if (info.retry_after_s != 0 && !own_retry_after && header_count_ < kMaxHeaders) {
    retry_after_ = std::to_string(info.retry_after_s);
    headers_[header_count_++] = {"Retry-After", retry_after_};
  }
}

LocalAnswer ErrorAnswer::answer() const {
  LocalAnswer a;
  a.status = status_;
  a.content_type = content_type_;
  a.body = body_;
  a.headers = {headers_.data(), header_count_};
  return a;
}

}  // namespace smart_router::http
