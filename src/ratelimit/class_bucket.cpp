#include "smart_router/ratelimit/class_bucket.hpp"

namespace smart_router::ratelimit {

Decision ClassBucket::check(std::string_view /*key*/, std::uint32_t cost, Nanos now) {
  std::int64_t tat = tat_.load(std::memory_order_relaxed);
  for (;;) {
    const Step s = gcra_step(tat, now.count(), cost, rate_);
    // Refused: nothing to write. Allowed: publish unless another worker moved it first, in
    // which case `tat` now holds its value and the step is redone on it.
    if (!s.decision.allowed || tat_.compare_exchange_weak(tat, s.tat, std::memory_order_relaxed))
      return s.decision;
  }
}

void ClassBucket::refund(std::string_view /*key*/, std::uint32_t cost) {
  // Going below `now` only means "full"; gcra_step clamps with max(TAT, now).
  tat_.fetch_sub(static_cast<std::int64_t>(cost) * rate_.emission_ns, std::memory_order_relaxed);
}

}  // namespace smart_router::ratelimit
