#include "smart_router/observability/rolling_mean.hpp"

namespace smart_router::observability {

void RollingMean::add(std::int64_t now_s, std::uint64_t value) {
  auto& b = buckets_[static_cast<std::size_t>(now_s) % buckets_.size()];
  auto seen = b.second.load(std::memory_order_relaxed);
  if (seen != now_s && b.second.compare_exchange_strong(seen, now_s)) {
    b.sum.store(0, std::memory_order_relaxed);
    b.count.store(0, std::memory_order_relaxed);
  }
  b.sum.fetch_add(value, std::memory_order_relaxed);
  b.count.fetch_add(1, std::memory_order_relaxed);
}

double RollingMean::mean(std::int64_t now_s) const {
  std::uint64_t sum = 0;
  std::uint64_t count = 0;
  for (const auto& b : buckets_) {
    const auto s = b.second.load(std::memory_order_relaxed);
    if (s > now_s - kWindowSeconds && s <= now_s) {
      sum += b.sum.load(std::memory_order_relaxed);
      count += b.count.load(std::memory_order_relaxed);
    }
  }
  return count == 0 ? 0.0 : static_cast<double>(sum) / static_cast<double>(count);
}

}  // namespace smart_router::observability
