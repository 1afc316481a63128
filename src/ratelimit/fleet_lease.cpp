#include "smart_router/ratelimit/fleet_lease.hpp"

#include <algorithm>

namespace smart_router::ratelimit {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

std::uint32_t seconds_up(std::int64_t ns) {
  return static_cast<std::uint32_t>(
      std::clamp<std::int64_t>((ns + kSecond - 1) / kSecond, 1, std::int64_t{86'400}));
}

}  // namespace

Decision FleetLease::check(std::string_view /*key*/, std::uint32_t cost, Nanos /*now*/) {
  demand_.fetch_add(cost, std::memory_order_relaxed);
  Decision d;
  d.limit = rate_.burst;
  d.window_s = rate_.window_s;
  d.reset_s = rate_.window_s;
  if (!connected_.load(std::memory_order_relaxed)) {  // fail open
    d.allowed = true;
    d.remaining = rate_.burst;
    return d;
  }
  const std::int64_t before = lease_.fetch_sub(cost, std::memory_order_relaxed);
  const std::int64_t left = before - cost;
  // Spent past the lease, a router may borrow what the bucket still held at the last exchange
  // (up to the last grant): a client under the quota is not refused while the top-up is on its
  // way. The debt is charged to the bucket at the next exchange (plan() asks for it), so it
  // only moves admissions earlier; with the bucket empty nothing is borrowed.
  if (left >= 0 || -left <= borrow_.load(std::memory_order_relaxed)) {
    if (left <= low_water_.load(std::memory_order_relaxed) &&
        !low_signalled_.exchange(true, std::memory_order_relaxed) && wake_)
      wake_();
    d.allowed = true;
    d.remaining = static_cast<std::uint32_t>(std::clamp<std::int64_t>(
        left + bucket_remaining_.load(std::memory_order_relaxed), 0, rate_.burst));
    return d;
  }
  lease_.fetch_add(cost, std::memory_order_relaxed);
  if (!low_signalled_.exchange(true, std::memory_order_relaxed) && wake_) wake_();
  d.allowed = false;
  d.remaining = 0;
  d.retry_after_s = seconds_up(std::max(next_token_ns_.load(std::memory_order_relaxed),
                                        rate_.emission_ns * static_cast<std::int64_t>(cost)));
  return d;
}

void FleetLease::refund(std::string_view /*key*/, std::uint32_t cost) {
  if (connected_.load(std::memory_order_relaxed)) lease_.fetch_add(cost, std::memory_order_relaxed);
}

FleetLease::Ask FleetLease::plan(std::int64_t elapsed_ns, std::int64_t interval_ns) {
  const std::int64_t demand = demand_.exchange(0, std::memory_order_relaxed);
  elapsed_ns = std::max<std::int64_t>(elapsed_ns, 1);
  // Tokens a router holds are spent as far as the bucket knows: what idle routers hold is what
  // the fleet may admit beyond the bucket's burst. A quiet router keeps one token (a lone
  // request is not refused while the lease is topped up) and gives the rest back; a busy one
  // asks for two intervals of the pace just seen, at least one interval of the rate, never
  // more than the bucket holds.
  std::int64_t target = 1;
  if (demand > 0) {
    // (Whole numbers: demand * 2 * interval stays far below 2^63 for any configured interval.)
    const std::int64_t by_demand = (demand * 2 * interval_ns + elapsed_ns - 1) / elapsed_ns;
    const std::int64_t by_rate = (interval_ns + rate_.emission_ns - 1) / rate_.emission_ns;
    target = std::clamp<std::int64_t>(std::max(by_demand, by_rate), 1, rate_.burst);
  }
  const std::int64_t keep = demand > 0 ? 2 * target : target;
  Ask ask;
  std::int64_t have = lease_.load(std::memory_order_relaxed);
  // A compare-exchange: a worker spending meanwhile must not make the give-back count twice.
  while (have > keep) {
    if (lease_.compare_exchange_weak(have, target, std::memory_order_relaxed)) {
      ask.give_back = have - target;
      return ask;
    }
  }
  if (have < target) ask.want = target - have;
  return ask;
}

void FleetLease::granted(std::int64_t tokens, std::int64_t bucket_remaining,
                         std::int64_t next_token_ns) {
  bucket_remaining_.store(bucket_remaining, std::memory_order_relaxed);
  next_token_ns_.store(next_token_ns, std::memory_order_relaxed);
  borrow_.store(std::clamp<std::int64_t>(bucket_remaining, 0, std::max<std::int64_t>(tokens, 1)),
                std::memory_order_relaxed);
  // An empty answer leaves the signal set: refusals then wait for the next tick instead of
  // asking an empty bucket again for each one.
  if (tokens <= 0) return;
  low_water_.store(tokens / 4, std::memory_order_relaxed);
  lease_.fetch_add(tokens, std::memory_order_relaxed);
  low_signalled_.store(false, std::memory_order_relaxed);
}

void FleetLease::set_connected(bool connected) {
  if (!connected) {
    // Subtracted, not stored: a worker's check in flight keeps its own arithmetic balanced.
    lease_.fetch_sub(lease_.load(std::memory_order_relaxed), std::memory_order_relaxed);
    borrow_.store(0, std::memory_order_relaxed);
    low_signalled_.store(false, std::memory_order_relaxed);
  }
  connected_.store(connected, std::memory_order_relaxed);
}

}  // namespace smart_router::ratelimit
