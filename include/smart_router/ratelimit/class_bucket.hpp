// The bucket of a whole tier class, shared by every worker: one atomic TAT updated with a CAS
// loop, so the hot path takes no lock. Its own cache line: every worker writes it.
#pragma once

#include <atomic>

#include "smart_router/ratelimit/limiter.hpp"

namespace smart_router::ratelimit {

class alignas(64) ClassBucket final : public Limiter {
 public:
  explicit ClassBucket(const Rate& rate) : rate_(rate) {}

  Decision check(std::string_view key, std::uint32_t cost, Nanos now) override;
  void refund(std::string_view key, std::uint32_t cost) override;
  const Rate& rate() const override { return rate_; }

 private:
  const Rate rate_;
  std::atomic<std::int64_t> tat_{0};  // 0 = full since the clock's epoch
};

}  // namespace smart_router::ratelimit
