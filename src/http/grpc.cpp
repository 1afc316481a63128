#include "smart_router/http/grpc.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace smart_router::http {

namespace {

// gRPC status codes (grpc/status.h), those the router answers with.
enum GrpcStatus : unsigned {
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kUnauthenticated = 16,
};

bool iequal_prefix(std::string_view s, std::string_view lower_prefix) {
  if (s.size() < lower_prefix.size()) return false;
  for (std::size_t i = 0; i < lower_prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != lower_prefix[i]) return false;
  return true;
}

// gRPC's "HTTP to gRPC status code mapping", for statuses a route's `respond` may give.
unsigned from_http(unsigned status) {
  switch (status) {
    case 400:
      return kInternal;
    case 401:
      return kUnauthenticated;
    case 403:
      return kPermissionDenied;
    case 404:
      return kUnimplemented;
    case 429:
    case 502:
    case 503:
    case 504:
      return kUnavailable;
    default:
      return kUnknown;
  }
}

}  // namespace

bool is_grpc_content_type(std::string_view value) {
  constexpr std::string_view kGrpc = "application/grpc";
  if (!iequal_prefix(value, kGrpc)) return false;
  return value.size() == kGrpc.size() || value[kGrpc.size()] == '+' || value[kGrpc.size()] == ';';
}

std::optional<std::chrono::milliseconds> parse_grpc_timeout(std::string_view value) {
  if (value.size() < 2 || value.size() > 9) return std::nullopt;
  const char unit = value.back();
  const auto digits = value.substr(0, value.size() - 1);
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  using std::chrono::milliseconds;
  const auto up = [](std::uint64_t v, std::uint64_t per_ms) {
    return milliseconds(static_cast<std::int64_t>((v + per_ms - 1) / per_ms));
  };
  switch (unit) {
    case 'H':
      return milliseconds(static_cast<std::int64_t>(n * 3'600'000));
    case 'M':
      return milliseconds(static_cast<std::int64_t>(n * 60'000));
    case 'S':
      return milliseconds(static_cast<std::int64_t>(n * 1'000));
    case 'm':
      return milliseconds(static_cast<std::int64_t>(n));
    case 'u':
      return up(n, 1'000);
    case 'n':
      return up(n, 1'000'000);
    default:
      return std::nullopt;
  }
}

std::string grpc_timeout_text(std::int64_t ms) {
  constexpr std::int64_t kMaxValue = 99'999'999;  // 8 digits
  ms = std::max<std::int64_t>(ms, 0);
  if (ms <= kMaxValue) return std::to_string(ms) + "m";
  if (ms / 1000 <= kMaxValue) return std::to_string(ms / 1000) + "S";
  return std::to_string(std::min<std::int64_t>(ms / 3'600'000, kMaxValue)) + "H";
}

unsigned grpc_status_of(const ProxyError& err, unsigned http_status) {
  switch (err.kind) {
    case ErrorKind::no_route:
    case ErrorKind::method_not_allowed:
    case ErrorKind::not_implemented:
      return kUnimplemented;
    case ErrorKind::overloaded:
    case ErrorKind::no_healthy_upstream:
    case ErrorKind::bad_gateway:
      return kUnavailable;
    case ErrorKind::rate_limited:
    case ErrorKind::payload_too_large:
    case ErrorKind::headers_too_large:
      return kResourceExhausted;
    case ErrorKind::upstream_timeout:
      return kDeadlineExceeded;
    case ErrorKind::request_timeout:
      return kCancelled;
    case ErrorKind::unauthorized:
      return kUnauthenticated;
    case ErrorKind::unknown_tier:
      return kInvalidArgument;
    case ErrorKind::bad_request:
      return kInternal;
    case ErrorKind::route_respond:
      return http_status == 403 ? kPermissionDenied : from_http(http_status);
  }
  return kUnknown;
}

std::string grpc_message(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c <= 0x7e && c != '%') {
      out += ch;
      continue;
    }
    out += '%';
    out += kHex[c >> 4];
    out += kHex[c & 0x0f];
  }
  return out;
}

}  // namespace smart_router::http
