#include "smart_router/observability/rolling_mean.hpp"

#include <gtest/gtest.h>

namespace {

using smart_router::observability::RollingMean;

TEST(RollingMean, EmptyIsZero) {
  const RollingMean m;
  EXPECT_EQ(m.mean(0), 0.0);
  EXPECT_EQ(m.mean(1000), 0.0);
}

TEST(RollingMean, MeanOfValuesInTheWindow) {
  RollingMean m;
  m.add(100, 10);
  m.add(100, 20);
  m.add(101, 30);
  m.add(110, 60);
  EXPECT_DOUBLE_EQ(m.mean(110), 30.0);  // (10 + 20 + 30 + 60) / 4
}

TEST(RollingMean, ItIsAMeanOfRequestsNotOfSeconds) {
  // 1 request of 100 ms in one second, 3 of 0 ms in another: 25 ms, not 50 ms.
  RollingMean m;
  m.add(200, 100);
  m.add(201, 0);
  m.add(201, 0);
  m.add(201, 0);
  EXPECT_DOUBLE_EQ(m.mean(201), 25.0);
}

TEST(RollingMean, OldSecondsFallOutAfterThirtySeconds) {
  RollingMean m;
  m.add(100, 10);
  m.add(120, 30);
  EXPECT_DOUBLE_EQ(m.mean(129), 20.0);  // 100 is 29 s old: still in
  EXPECT_DOUBLE_EQ(m.mean(130), 30.0);  // 100 is 30 s old: out
  EXPECT_DOUBLE_EQ(m.mean(149), 30.0);
  EXPECT_EQ(m.mean(150), 0.0);  // everything out
}

TEST(RollingMean, SteadyStreamAveragesTheLastThirtySeconds) {
  RollingMean m;
  for (std::int64_t s = 0; s < 100; ++s) m.add(s, static_cast<std::uint64_t>(s));
  // Seconds 70..99 are in the window: their mean is 84.5.
  EXPECT_DOUBLE_EQ(m.mean(99), 84.5);
}

TEST(RollingMean, ReusedBucketForgetsItsOldSecond) {
  // Whatever the ring size, a second far later lands on some old second's slot: the old
  // values must not leak into the new mean.
  RollingMean m;
  for (std::int64_t s = 0; s < 64; ++s) m.add(s, 1000);
  for (std::int64_t s = 1000; s < 1064; ++s) m.add(s, 1);
  EXPECT_DOUBLE_EQ(m.mean(1063), 1.0);
}

TEST(RollingMean, ValuesLaterThanNowAreNotCounted) {
  RollingMean m;
  m.add(500, 40);
  m.add(501, 1000);
  EXPECT_DOUBLE_EQ(m.mean(500), 40.0);
}

TEST(RollingMean, GapInTrafficThenNewValues) {
  RollingMean m;
  m.add(10, 500);
  m.add(100, 7);
  EXPECT_DOUBLE_EQ(m.mean(100), 7.0);
}

TEST(RollingMean, LargeValues) {
  RollingMean m;
  m.add(5, 3'000'000'000ULL);
  m.add(5, 1'000'000'000ULL);
  EXPECT_DOUBLE_EQ(m.mean(5), 2'000'000'000.0);
}

}  // namespace
