// rate_limits checks: known classes, rates and bursts in range, and a client
// key the trust mode can provide.
#include <string>

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

}  // namespace

void validate_rate_limits(Validation& v) {
  const RateLimits& rl = v.config.rate_limits;
  v.positive(v.marks.file, "rate_limits.max_client_keys", rl.max_client_keys);
  for (const ClassRateLimits& c : rl.classes) {
    const std::string path = "rate_limits.classes." + c.class_name;
    if (!v.class_exists(c.class_name))
      v.error(path, "unknown class " + quote(c.class_name) + " (known: " + v.class_names() + ")");
    if (c.class_limit) validate_rate(v, path + ".class", *c.class_limit);
    if (!c.client) continue;
    validate_rate(v, path + ".client", c.client->rate);
    if (c.client->key == ClientKeyKind::jwt_subject && v.config.tiers.trust.mode != TrustMode::jwt)
      v.error(path + ".client.key",
              "jwt_subject needs tiers.trust.mode: jwt (no request carries a verified subject "
              "otherwise)");
  }
}

}  // namespace smart_router::config
