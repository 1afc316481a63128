#include "smart_router/ratelimit/class_bucket.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace {

using smart_router::ratelimit::ClassBucket;
using smart_router::ratelimit::Nanos;
using smart_router::ratelimit::Rate;

constexpr Nanos kStart{std::int64_t{1000} * 1'000'000'000};

TEST(ClassBucket, BurstThenRefusalThenRefill) {
  ClassBucket b(Rate::of(5, 5));
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(b.check({}, 1, kStart).allowed) << i;
  const auto refused = b.check({}, 1, kStart);
  EXPECT_FALSE(refused.allowed);
  EXPECT_GE(refused.retry_after_s, 1u);
  EXPECT_FALSE(b.check({}, 1, kStart + Nanos(199'999'999)).allowed);
  EXPECT_TRUE(b.check({}, 1, kStart + Nanos(200'000'000)).allowed);
}

TEST(ClassBucket, RefundGivesATokenBack) {
  ClassBucket b(Rate::of(1, 2));
  ASSERT_TRUE(b.check({}, 1, kStart).allowed);
  ASSERT_TRUE(b.check({}, 1, kStart).allowed);
  ASSERT_FALSE(b.check({}, 1, kStart).allowed);
  b.refund({}, 1);
  EXPECT_TRUE(b.check({}, 1, kStart).allowed);
  EXPECT_FALSE(b.check({}, 1, kStart).allowed);
}

TEST(ClassBucket, RefundOfAFullBucketAddsNothingBeyondTheBurst) {
  ClassBucket b(Rate::of(1, 2));
  b.refund({}, 5);
  int passed = 0;
  for (int i = 0; i < 10; ++i) passed += b.check({}, 1, kStart).allowed ? 1 : 0;
  EXPECT_EQ(passed, 2);
}

TEST(ClassBucket, WorkersRacingOnOneBucketPassExactlyTheBurst) {
  // The clock stands still, so exactly `burst` requests may pass however the CAS loops
  // interleave: a lost update would let more through.
  constexpr int kBurst = 1000;
  ClassBucket b(Rate::of(1, kBurst));
  std::atomic<int> passed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i)
        if (b.check({}, 1, kStart).allowed) passed.fetch_add(1);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(passed.load(), kBurst);
}

}  // namespace
