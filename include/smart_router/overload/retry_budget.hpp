// A pool's retry budget, as Envoy's retry_budget: a retry (or a hedge) may start only while the
// pool's retries in flight stay under max(min_concurrent, percent% of its requests in flight),
// so a failing upstream cannot turn every request into two (a retry storm) and eat the
// deadlines of the requests that would have succeeded. Router-wide (every worker shares it),
// lock-free: one CAS to take a token, one atomic add to give it back.
#pragma once

#include <atomic>
#include <cstdint>

#include "smart_router/overload/priority_levels.hpp"

namespace smart_router::overload {

class RetryBudget {
 public:
  // On every (re)load; keeps the count of retries in flight.
  void configure(std::uint32_t percent, std::uint32_t min_concurrent);

  // Retries in flight the budget allows with `requests_in_flight` requests in the pool.
  static std::int64_t allowed(std::uint32_t percent, std::uint32_t min_concurrent,
                              std::int64_t requests_in_flight);

  // Counts a retry when the budget has room for one more; false: it does not.
  bool try_acquire(std::int64_t requests_in_flight);
  // (The slot argument is CountedSlot's: a budget has one count.)
  void release(std::size_t /*slot*/ = 0) { in_flight_.fetch_sub(1, std::memory_order_relaxed); }
  std::int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint32_t> percent_{20};
  std::atomic<std::uint32_t> min_concurrent_{3};
  std::atomic<std::int64_t> in_flight_{0};
};

// A retry's place in the budget, given back when the retry's try ends however it ends.
using RetryToken = CountedSlot<RetryBudget>;

}  // namespace smart_router::overload
