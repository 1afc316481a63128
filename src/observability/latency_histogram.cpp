#include "smart_router/observability/latency_histogram.hpp"

#include <limits>
#include <utility>

namespace smart_router::observability {

LatencyHistogram::LatencyHistogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {}

void LatencyHistogram::observe(double seconds) {
  std::size_t bucket = 0;  // the first whose bound is >= seconds (le: less than or equal)
  while (bucket < bounds_.size() && seconds > bounds_[bucket]) ++bucket;
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  if (seconds > 0)
    sum_ns_.fetch_add(static_cast<std::uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

prometheus::ClientMetric::Histogram LatencyHistogram::collect() const {
  prometheus::ClientMetric::Histogram h;
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    h.bucket.push_back({cumulative, bounds_[i]});
  }
  cumulative += counts_[bounds_.size()].load(std::memory_order_relaxed);
  h.bucket.push_back({cumulative, std::numeric_limits<double>::infinity()});
  h.sample_count = cumulative;
  h.sample_sum = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  return h;
}

}  // namespace smart_router::observability
