#include "smart_router/overload/retry_budget.hpp"

#include <algorithm>

namespace smart_router::overload {

void RetryBudget::configure(std::uint32_t percent, std::uint32_t min_concurrent) {
  percent_.store(percent, std::memory_order_relaxed);
  min_concurrent_.store(min_concurrent, std::memory_order_relaxed);
}

std::int64_t RetryBudget::allowed(std::uint32_t percent, std::uint32_t min_concurrent,
                                  std::int64_t requests_in_flight) {
  const auto share = std::max<std::int64_t>(requests_in_flight, 0) * percent / 100;
  return std::max<std::int64_t>(min_concurrent, share);
}

bool RetryBudget::try_acquire(std::int64_t requests_in_flight) {
  const auto limit = allowed(percent_.load(std::memory_order_relaxed),
                             min_concurrent_.load(std::memory_order_relaxed), requests_in_flight);
  auto held = in_flight_.load(std::memory_order_relaxed);
  do {
    if (held >= limit) return false;
  } while (!in_flight_.compare_exchange_weak(held, held + 1, std::memory_order_relaxed));
  return true;
}

}  // namespace smart_router::overload
