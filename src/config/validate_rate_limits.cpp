// rate_limits checks: known classes, rates and bursts in range, and a client
// key the trust mode can provide.
#include <string>

#include "smart_router/config/redis_url.hpp"
#include "text.hpp"
#include "validation.hpp"

namespace smart_router::config {

namespace {

// 0.001 req/s (one per ~17 min) .. 1e6 req/s and bursts up to 1e6 keep the bucket's span
// (burst / rate) within the nanosecond clock's range many times over.
constexpr double kMinRate = 0.001;
constexpr double kMaxRate = 1e6;
constexpr std::uint32_t kMaxBurst = 1'000'000;

void validate_rate(Validation& v, const std::string& path, const RateLimit& r) {
  if (!(r.requests_per_second >= kMinRate && r.requests_per_second <= kMaxRate))
    v.error(path + ".requests_per_second",
            "must be between 0.001 and 1000000, got " + std::to_string(r.requests_per_second));
  // burst 0 = absent (one second's worth); written out it must be positive.
  if (v.marks.file.at.count(path + ".burst") != 0)
    v.in_range(v.marks.file, path + ".burst", r.burst, 1, kMaxBurst);
}

constexpr std::uint32_t kMaxSyncIntervalMs = 10'000;
// While an exchange is outstanding, routers spend what they hold and refuse past it: a Redis
// that hangs must not hold fleet-limited classes at 429 for long before failing open.
constexpr std::uint32_t kMaxRedisTimeoutMs = 5'000;

void validate_redis(Validation& v, bool needed) {
  const FleetRedis& r = v.config.rate_limits.redis;
  const std::string path = "rate_limits.redis";
  v.in_range(v.marks.file, path + ".sync_interval_ms", r.sync_interval_ms, 1, kMaxSyncIntervalMs);
  v.in_range(v.marks.file, path + ".timeout_ms", r.timeout_ms, 1, kMaxRedisTimeoutMs);
  if (r.key_prefix.size() > 256) v.error(path + ".key_prefix", "longer than 256 bytes");
  if (!r.ca_file.empty()) v.readable_file(v.marks.file, path + ".ca_file", r.ca_file);
  if (r.url.empty()) {
    if (needed)
      v.error(path + ".url",
              "a class has a fleet limit: set rate_limits.redis.url or REDIS_URL to the Redis "
              "that holds the fleet's buckets");
    return;
  }
  if (r.url_from_env) return;  // checked where REDIS_URL was read
  std::string why;
  if (!parse_redis_url(r.url, &why))
    v.error(path + ".url", "invalid Redis URL " + quote(redacted_redis_url(r.url)) + ": " + why);
}

}  // namespace

void validate_rate_limits(Validation& v) {
  const RateLimits& rl = v.config.rate_limits;
  v.positive(v.marks.file, "rate_limits.max_client_keys", rl.max_client_keys);
  bool fleet = false;
  for (const ClassRateLimits& c : rl.classes) {
    const std::string path = "rate_limits.classes." + c.class_name;
    if (!v.class_exists(c.class_name))
      v.error(path, "unknown class " + quote(c.class_name) + " (known: " + v.class_names() + ")");
    if (c.class_limit) validate_rate(v, path + ".class", *c.class_limit);
    if (c.fleet) validate_rate(v, path + ".fleet", *c.fleet);
    fleet = fleet || c.fleet.has_value();
    if (!c.client) continue;
    validate_rate(v, path + ".client", c.client->rate);
    if (c.client->key == ClientKeyKind::jwt_subject && v.config.tiers.trust.mode != TrustMode::jwt)
      v.error(path + ".client.key",
              "jwt_subject needs tiers.trust.mode: jwt (no request carries a verified subject "
              "otherwise)");
  }
  validate_redis(v, fleet);
}

}  // namespace smart_router::config
