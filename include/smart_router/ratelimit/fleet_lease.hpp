// A tier class's bucket shared by every router of the fleet (rate_limits.classes.X.fleet). The
// bucket itself, one GCRA state, lives in Redis; each router leases tokens from it in batches
// (app/fleet_quota_sync.hpp, on the control thread: every sync_interval_ms, and at once when a
// lease runs low) and spends them here without waiting on Redis. However many routers share
// the bucket, together they admit no more than it grants; a router refuses a request only
// when its lease is spent and the bucket had nothing more to give at the last exchange (it
// may borrow a little against what the bucket held, repaid at the next exchange).
//
// Until the first lease, and while Redis cannot be reached, the fleet limit is not applied
// (fail open: a quota protects capacity, and an unreachable Redis must not become an outage).
// The class and client limits, which need no Redis, still hold; the sync logs and exports it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include "smart_router/ratelimit/limiter.hpp"

namespace smart_router::ratelimit {

class FleetLease final : public Limiter {
 public:
  // `wake` (may be empty) is called from a worker when the lease falls to a quarter of the last
  // grant, or a request finds it spent: the sync asks for more now rather than at its next tick.
  FleetLease(const Rate& rate, std::function<void()> wake) : rate_(rate), wake_(std::move(wake)) {}

  Decision check(std::string_view key, std::uint32_t cost, Nanos now) override;
  void refund(std::string_view key, std::uint32_t cost) override;
  const Rate& rate() const override { return rate_; }

  // --- the sync's side (one thread) ---

  // What to ask the fleet's bucket for: `want` tokens more, `give_back` tokens returned.
  struct Ask {
    std::int64_t want = 0;
    std::int64_t give_back = 0;
  };
  // From the demand seen since the last call, `elapsed_ns` ago: enough for two sync intervals
  // of it (at least one interval of the configured rate, never over the bucket's size); a lease
  // well over that (demand fell) is given back. A router that saw no demand keeps one token.
  Ask plan(std::int64_t elapsed_ns, std::int64_t interval_ns);
  // The bucket's answer to plan()'s ask: tokens granted (what was given back is already gone
  // from the lease), what the bucket still holds, and when it next has a token.
  void granted(std::int64_t tokens, std::int64_t bucket_remaining, std::int64_t next_token_ns);
  // False: Redis cannot be reached; the lease is dropped and the limit not applied.
  void set_connected(bool connected);
  bool connected() const { return connected_.load(std::memory_order_relaxed); }
  std::int64_t lease() const { return lease_.load(std::memory_order_relaxed); }

 private:
  const Rate rate_;
  const std::function<void()> wake_;
  alignas(64) std::atomic<std::int64_t> lease_{0};  // tokens this router may still spend
  std::atomic<std::int64_t> demand_{0};             // tokens asked for since the last plan()
  std::atomic<std::int64_t> low_water_{0};          // a quarter of the last grant
  std::atomic<bool> low_signalled_{false};
  std::atomic<bool> connected_{false};
  std::atomic<std::int64_t> borrow_{0};  // may spend this far past the lease (see check())
  std::atomic<std::int64_t> bucket_remaining_{0};  // for RateLimit's r=
  std::atomic<std::int64_t> next_token_ns_{0};     // for Retry-After, from the last exchange
};

}  // namespace smart_router::ratelimit
