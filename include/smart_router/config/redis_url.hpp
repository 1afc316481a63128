// The Redis address of the fleet's quotas (rate_limits.redis.url, REDIS_URL), as redis-cli and
// the client libraries write it: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for
// TLS. Port 6379 when absent; user and password percent-decoded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "smart_router/config/host_port.hpp"

namespace smart_router::config {

struct RedisUrl {
  HostPort endpoint;
  bool tls = false;      // rediss://
  std::string user;      // AUTH USER PASSWORD when set, else AUTH PASSWORD
  std::string password;  // "" = no AUTH
  std::uint32_t db = 0;  // SELECT when not 0
};

// On failure returns nullopt and sets *why to a short reason.
std::optional<RedisUrl> parse_redis_url(std::string_view text, std::string* why);

// The URL with its password replaced by "***" (for logs and /debug/config).
std::string redacted_redis_url(std::string_view text);

}  // namespace smart_router::config
