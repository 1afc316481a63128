// Mean of the values added over the last `window` seconds, in one-second buckets. Lock-free:
// workers add concurrently; a bucket reused for a new second is reset by whoever gets there
// first (a value racing with that reset may be lost, which a 30 s mean tolerates).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace smart_router::observability {

class RollingMean {
 public:
  static constexpr std::int64_t kWindowSeconds = 30;

  void add(std::int64_t now_s, std::uint64_t value);
  // Mean over (now_s - kWindowSeconds, now_s]; 0 when nothing was added.
  double mean(std::int64_t now_s) const;

 private:
  struct Bucket {
    std::atomic<std::int64_t> second{-1};
    std::atomic<std::uint64_t> sum{0};
    std::atomic<std::uint64_t> count{0};
  };
  std::array<Bucket, 32> buckets_;
};

}  // namespace smart_router::observability
