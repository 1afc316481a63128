// The token bucket as GCRA (generic cell rate algorithm): a bucket's whole state is one number,
// its "theoretical arrival time" (TAT), the moment the bucket is full again. A request of cost
// c moves it to max(TAT, now) + c * emission and is allowed while that stays within
// burst * emission of now. One integer of state is what lets the class buckets live in a
// single atomic (a CAS loop, no lock), the client buckets be dropped once full (TAT <= now
// carries no information), and a Redis-backed fleet limiter run the same step in a script
// against one key.
#pragma once

#include <chrono>
#include <cstdint>

namespace smart_router::ratelimit {

using Nanos = std::chrono::nanoseconds;  // since an arbitrary epoch (steady clock in the router)

// requests_per_second and burst, as GCRA needs them.
struct Rate {
  std::int64_t emission_ns = 1;  // time to refill one token
  std::uint32_t burst = 1;       // bucket size: requests allowed at once from a full bucket
  std::uint32_t window_s = 1;    // seconds to refill the whole bucket, rounded up (for headers)

  // `requests_per_second` > 0, `burst` >= 1 (validated by the config).
  static Rate of(double requests_per_second, std::uint32_t burst);
  std::int64_t capacity_ns() const { return emission_ns * burst; }
  bool operator==(const Rate&) const = default;
};

// The answer for one request against one bucket.
struct Decision {
  bool allowed = true;
  std::uint32_t limit = 0;          // the bucket size (burst)
  std::uint32_t window_s = 0;       // Rate::window_s
  std::uint32_t remaining = 0;      // whole tokens left after this request
  std::uint32_t reset_s = 0;        // seconds until the bucket is full again (rounded up)
  std::uint32_t retry_after_s = 0;  // refused: seconds until the request would pass (>= 1)
};

struct Step {
  Decision decision;
  std::int64_t tat = 0;  // the new state; equal to the old one when refused
};

// One request of `cost` tokens against a bucket in state `tat` at time `now_ns`. Pure.
Step gcra_step(std::int64_t tat, std::int64_t now_ns, std::uint32_t cost, const Rate& rate);

// True when a bucket in state `tat` is full at `now_ns` (and so can be forgotten).
inline bool gcra_full(std::int64_t tat, std::int64_t now_ns) {
  return tat <= now_ns;
}

}  // namespace smart_router::ratelimit
