#include "smart_router/ratelimit/gcra.hpp"

#include <gtest/gtest.h>

namespace {

using smart_router::ratelimit::gcra_full;
using smart_router::ratelimit::gcra_step;
using smart_router::ratelimit::Rate;

constexpr std::int64_t kSec = 1'000'000'000;
constexpr std::int64_t kStart = 1000 * kSec;  // the injected clock: any point on the timeline

// Runs `n` requests at `now` from state `tat`; returns how many passed.
int take(std::int64_t& tat, std::int64_t now, int n, const Rate& r) {
  int passed = 0;
  for (int i = 0; i < n; ++i) {
    const auto s = gcra_step(tat, now, 1, r);
    tat = s.tat;
    passed += s.decision.allowed ? 1 : 0;
  }
  return passed;
}

TEST(Rate, FromRequestsPerSecondAndBurst) {
  const Rate r = Rate::of(5, 5);
  EXPECT_EQ(r.emission_ns, kSec / 5);
  EXPECT_EQ(r.burst, 5u);
  EXPECT_EQ(r.window_s, 1u);
  EXPECT_EQ(Rate::of(10, 25).window_s, 3u);  // 2.5 s to refill, rounded up
  EXPECT_EQ(Rate::of(0.5, 1).emission_ns, 2 * kSec);
  EXPECT_EQ(Rate::of(0.5, 1).window_s, 2u);
  EXPECT_EQ(Rate::of(1000, 0).burst, 1u);  // a bucket holds at least one request
}

TEST(Gcra, AFullBucketPassesItsBurstAtOnceThenRefuses) {
  const Rate r = Rate::of(5, 5);
  std::int64_t tat = 0;
  for (std::uint32_t i = 0; i < 5; ++i) {
    const auto s = gcra_step(tat, kStart, 1, r);
    ASSERT_TRUE(s.decision.allowed) << i;
    EXPECT_EQ(s.decision.remaining, 4 - i);
    EXPECT_EQ(s.decision.limit, 5u);
    tat = s.tat;
  }
  const auto refused = gcra_step(tat, kStart, 1, r);
  EXPECT_FALSE(refused.decision.allowed);
  EXPECT_EQ(refused.decision.remaining, 0u);
  EXPECT_EQ(refused.tat, tat) << "a refused request takes nothing";
  EXPECT_EQ(refused.decision.retry_after_s, 1u);  // one token is 200 ms away: rounded up
  EXPECT_EQ(refused.decision.reset_s, 1u);        // full again in 1 s
}

TEST(Gcra, RefillsAtTheRateWithAnInjectedClock) {
  const Rate r = Rate::of(5, 5);
  std::int64_t tat = 0;
  ASSERT_EQ(take(tat, kStart, 10, r), 5);
  EXPECT_EQ(take(tat, kStart + kSec / 5 - 1, 1, r), 0) << "1 ns before the first token";
  EXPECT_EQ(take(tat, kStart + kSec / 5, 2, r), 1) << "one token after 200 ms";
  EXPECT_EQ(take(tat, kStart + 10 * kSec, 10, r), 5) << "never more than the burst after idling";
}

TEST(Gcra, RetryAfterIsWholeSecondsAndAtLeastOne) {
  const Rate slow = Rate::of(0.1, 2);  // one token per 10 s
  std::int64_t tat = 0;
  ASSERT_EQ(take(tat, kStart, 2, slow), 2);
  EXPECT_EQ(gcra_step(tat, kStart, 1, slow).decision.retry_after_s, 10u);
  EXPECT_EQ(gcra_step(tat, kStart + 9 * kSec + 1, 1, slow).decision.retry_after_s, 1u);
  EXPECT_EQ(gcra_step(tat, kStart + 3 * kSec / 2, 1, slow).decision.retry_after_s, 9u);

  const Rate fast = Rate::of(1000, 1);  // the next token 1 ms away
  tat = 0;
  ASSERT_EQ(take(tat, kStart, 1, fast), 1);
  EXPECT_EQ(gcra_step(tat, kStart, 1, fast).decision.retry_after_s, 1u);
}

TEST(Gcra, ResetCountsDownToFull) {
  const Rate r = Rate::of(1, 4);
  std::int64_t tat = 0;
  ASSERT_EQ(take(tat, kStart, 3, r), 3);
  const auto s = gcra_step(tat, kStart + kSec / 2, 1, r);  // 3.5 s of debt after this one
  ASSERT_TRUE(s.decision.allowed);
  EXPECT_EQ(s.decision.remaining, 0u);
  EXPECT_EQ(s.decision.reset_s, 4u);
  EXPECT_FALSE(gcra_full(s.tat, kStart + 4 * kSec - 1));
  EXPECT_TRUE(gcra_full(s.tat, kStart + 4 * kSec + kSec / 2));
}

TEST(Gcra, CostCountsSeveralTokensAndNeverMoreThanTheBurst) {
  const Rate r = Rate::of(10, 10);
  std::int64_t tat = 0;
  auto s = gcra_step(tat, kStart, 4, r);
  ASSERT_TRUE(s.decision.allowed);
  EXPECT_EQ(s.decision.remaining, 6u);
  s = gcra_step(s.tat, kStart, 7, r);
  EXPECT_FALSE(s.decision.allowed) << "7 asked, 6 left";
  EXPECT_FALSE(gcra_step(0, kStart, 11, r).decision.allowed) << "more than a full bucket";
}

TEST(Gcra, AStateFromTheFarPastIsAFullBucket) {
  const Rate r = Rate::of(2, 3);
  std::int64_t tat = kStart - 3600 * kSec;
  EXPECT_TRUE(gcra_full(tat, kStart));
  EXPECT_EQ(take(tat, kStart, 5, r), 3);
}

}  // namespace
