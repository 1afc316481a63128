// JSON bodies of mock-upstream's answers. Pure functions: no I/O.
#pragma once

#include <boost/beast/http/fields.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "capacity_stats.hpp"

namespace mock_upstream {

// What the echo body reports about one request.
struct EchoInput {
  std::string_view upstream;
  std::string_view method;
  std::string_view path;   // target before '?'
  std::string_view query;  // target after '?', "" when absent
  unsigned version = 11;   // 10 or 11
  const boost::beast::http::fields* headers = nullptr;
  std::uint64_t body_bytes = 0;
  std::uint64_t body_fnv1a = 0;
  std::uint64_t connection_id = 0;
  std::uint64_t request_index = 0;
};

// {"upstream","method","path","query","http_version","headers":{lower-case name: value, repeats
// joined with ", "},"body_bytes","body_fnv1a","connection_id","request_index"}. Bytes that are
// not UTF-8 become U+FFFD, so any input renders.
std::string render_echo(const EchoInput& in);

// 200 {"status":"ok","upstream":NAME} or 503 {"status":"unhealthy"}.
std::string render_health(bool healthy, std::string_view upstream);

struct StatsSnapshot {
  std::uint64_t connections_accepted = 0;
  std::uint64_t requests = 0;
  std::uint64_t health_checks = 0;
  std::uint64_t cancelled = 0;
  std::optional<CapacityStats> capacity;  // capacity mode only
};

// {"connections_accepted","requests","health_checks","cancelled"} and, in capacity mode,
// "slots","service_ms","in_service","queued","max_queued","served".
std::string render_stats(const StatsSnapshot& stats);

// Answer to POST /admin/service: {"slots":N,"service_ms":T}.
std::string render_service(const CapacityStats& stats);

// Answer to the admin flips: {"healthy":true|false,"upstream":NAME}.
std::string render_health_flag(bool healthy, std::string_view upstream);

std::string render_error(std::string_view error, std::string_view detail);

}  // namespace mock_upstream
