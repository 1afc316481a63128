#include "smart_router/ratelimit/gcra.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace smart_router::ratelimit {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

// Whole seconds, rounded up, clamped to what a header can say.
std::uint32_t ceil_seconds(std::int64_t ns) {
  if (ns <= 0) return 0;
  const std::int64_t s = (ns + kSecond - 1) / kSecond;
  return static_cast<std::uint32_t>(
      std::min<std::int64_t>(s, std::numeric_limits<std::uint32_t>::max()));
}

}  // namespace

Rate Rate::of(double requests_per_second, std::uint32_t burst) {
  Rate r;
  const double emission = static_cast<double>(kSecond) / requests_per_second;
  r.emission_ns = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::llround(emission)));
  r.burst = std::max<std::uint32_t>(1, burst);
  r.window_s = std::max<std::uint32_t>(1, ceil_seconds(r.capacity_ns()));
  return r;
}

Step gcra_step(std::int64_t tat, std::int64_t now_ns, std::uint32_t cost, const Rate& rate) {
  Step s;
  Decision& d = s.decision;
  d.limit = rate.burst;
  d.window_s = rate.window_s;
  const std::int64_t base = std::max(tat, now_ns);
  const std::int64_t next = base + static_cast<std::int64_t>(cost) * rate.emission_ns;
  const std::int64_t used = next - now_ns;  // what the bucket would hold back after this request
  if (used <= rate.capacity_ns()) {
    s.tat = next;
    d.allowed = true;
    d.remaining = static_cast<std::uint32_t>((rate.capacity_ns() - used) / rate.emission_ns);
    d.reset_s = ceil_seconds(used);
    return s;
  }
  s.tat = tat;
  d.allowed = false;
  d.remaining = 0;
  d.retry_after_s = std::max<std::uint32_t>(1, ceil_seconds(used - rate.capacity_ns()));
  d.reset_s = ceil_seconds(base - now_ns);
  return s;
}

}  // namespace smart_router::ratelimit
