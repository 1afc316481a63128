// Sliding-window quantiles for http_request_duration_seconds. prometheus-cpp's Summary keeps a
// CKMS sketch per age bucket and compresses it under a lock on every few observations, which
// cost a third of the router's CPU per request. Here an observation is two relaxed atomic adds
// into a log-linear histogram (error under 3%); quantiles are computed only at scrape time
// from the slices inside the window.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

namespace smart_router::observability {

class WindowedQuantiles {
 public:
  static constexpr int kSliceSeconds = 10;
  static constexpr int kSlices = 6;  // 60 s window

  void observe(double seconds, std::int64_t now_s);
  // Quantile q (0..1) over the window ending at now_s, in seconds; 0 without observations.
  double quantile(double q, std::int64_t now_s) const;
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return static_cast<double>(sum_us_.load(std::memory_order_relaxed)) / 1e6; }

  // Bucket of a value in microseconds, and the value a bucket stands for (its midpoint).
  static std::size_t bucket_of(std::uint64_t us);
  static double bucket_value_us(std::size_t bucket);
  static constexpr std::size_t kSubBits = 5;
  static constexpr std::size_t kBuckets = (64 - kSubBits + 1) << kSubBits;

 private:
  struct Slice {
    std::atomic<std::int64_t> epoch{-1};
    std::array<std::atomic<std::uint32_t>, kBuckets> counts{};
  };
  std::array<Slice, kSlices> slices_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_us_{0};
};

// One quantile of a WindowedQuantiles, recomputed at most once a second (computing it walks
// every bucket of the window), so the hot path may read it: the auto hedge delay.
class CachedQuantile {
 public:
  explicit CachedQuantile(double q) : q_(q) {}
  // In seconds; 0 without observations.
  double get(const WindowedQuantiles& w, std::int64_t now_s);

 private:
  double q_;
  std::atomic<std::int64_t> at_s_{-1};
  std::atomic<double> value_{0};
};

}  // namespace smart_router::observability
