#include "smart_router/observability/windowed_quantiles.hpp"

#include <bit>
#include <cmath>

namespace smart_router::observability {

// Log-linear buckets: values below 2^kSubBits us have one bucket each; above, each power of two
// is split into 2^kSubBits equal sub-buckets (relative width <= 1/32).
std::size_t WindowedQuantiles::bucket_of(std::uint64_t us) {
  constexpr std::uint64_t kSub = 1ULL << kSubBits;
  if (us < kSub) return static_cast<std::size_t>(us);
  const auto width = static_cast<std::size_t>(std::bit_width(us));  // > kSubBits
  const auto shift = width - kSubBits - 1;
  const auto mantissa = static_cast<std::size_t>((us >> shift) & (kSub - 1));
  return ((shift + 1) << kSubBits) + mantissa;
}

double WindowedQuantiles::bucket_value_us(std::size_t bucket) {
  constexpr std::size_t kSub = std::size_t{1} << kSubBits;
  if (bucket < kSub) return static_cast<double>(bucket);
  const auto shift = (bucket >> kSubBits) - 1;
  const auto mantissa = bucket & (kSub - 1);
  const double low = std::ldexp(static_cast<double>(kSub + mantissa), static_cast<int>(shift));
  const double width = std::ldexp(1.0, static_cast<int>(shift));
  return low + width / 2;
}

void WindowedQuantiles::observe(double seconds, std::int64_t now_s) {
  const auto us = seconds <= 0 ? 0 : static_cast<std::uint64_t>(seconds * 1e6);
  const auto epoch = now_s / kSliceSeconds;
  auto& slice = slices_[static_cast<std::size_t>(epoch % kSlices)];
  auto seen = slice.epoch.load(std::memory_order_acquire);
  if (seen != epoch && slice.epoch.compare_exchange_strong(seen, epoch)) {
    // First observation of a new slice: forget what it held 60 s ago. A concurrent observation
    // may be lost in the reset, which a 60 s window tolerates.
    for (auto& c : slice.counts) c.store(0, std::memory_order_relaxed);
  }
  slice.counts[bucket_of(us)].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(us, std::memory_order_relaxed);
}

double WindowedQuantiles::quantile(double q, std::int64_t now_s) const {
  const auto epoch = now_s / kSliceSeconds;
  std::vector<std::uint64_t> merged(kBuckets, 0);
  std::uint64_t total = 0;
  for (const auto& slice : slices_) {
    const auto e = slice.epoch.load(std::memory_order_acquire);
    if (e < 0 || e <= epoch - kSlices || e > epoch) continue;
    for (std::size_t b = 0; b < kBuckets; ++b) {
      const auto c = slice.counts[b].load(std::memory_order_relaxed);
      merged[b] += c;
      total += c;
    }
  }
  if (total == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total)));
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < kBuckets; ++b) {
    seen += merged[b];
    if (seen >= rank && merged[b] > 0) return bucket_value_us(b) / 1e6;
  }
  return bucket_value_us(kBuckets - 1) / 1e6;
}

double CachedQuantile::get(const WindowedQuantiles& w, std::int64_t now_s) {
  auto at = at_s_.load(std::memory_order_relaxed);
  // One caller a second recomputes; the others read the value it had.
  if (at != now_s && at_s_.compare_exchange_strong(at, now_s, std::memory_order_relaxed))
    value_.store(w.quantile(q_, now_s), std::memory_order_relaxed);
  return value_.load(std::memory_order_relaxed);
}

}  // namespace smart_router::observability
