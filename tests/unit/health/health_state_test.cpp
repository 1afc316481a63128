#include "smart_router/health/health_state.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace {

using smart_router::health::HealthState;
using smart_router::upstream::ActiveHealth;

constexpr std::optional<ActiveHealth> kNoChange = std::nullopt;

TEST(HealthState, StartsUnknown) {
  const HealthState s(2, 2);
  EXPECT_EQ(s.current(), ActiveHealth::unknown);
}

TEST(HealthState, FirstPassDecidesAtOnce) {
  HealthState s(3, 3);
  EXPECT_EQ(s.observe(true), ActiveHealth::healthy);
  EXPECT_EQ(s.current(), ActiveHealth::healthy);
}

TEST(HealthState, FirstFailureDecidesAtOnce) {
  HealthState s(3, 3);
  EXPECT_EQ(s.observe(false), ActiveHealth::unhealthy);
  EXPECT_EQ(s.current(), ActiveHealth::unhealthy);
}

TEST(HealthState, UnhealthyThresholdFailuresInARowFlipToUnhealthy) {
  HealthState s(2, 3);
  ASSERT_EQ(s.observe(true), ActiveHealth::healthy);
  EXPECT_EQ(s.observe(false), kNoChange);
  EXPECT_EQ(s.observe(false), kNoChange);
  EXPECT_EQ(s.current(), ActiveHealth::healthy);
  EXPECT_EQ(s.observe(false), ActiveHealth::unhealthy);
  EXPECT_EQ(s.current(), ActiveHealth::unhealthy);
  EXPECT_EQ(s.observe(false), kNoChange);  // already unhealthy
}

TEST(HealthState, HealthyThresholdPassesInARowFlipToHealthy) {
  HealthState s(3, 2);
  ASSERT_EQ(s.observe(false), ActiveHealth::unhealthy);
  EXPECT_EQ(s.observe(true), kNoChange);
  EXPECT_EQ(s.observe(true), kNoChange);
  EXPECT_EQ(s.current(), ActiveHealth::unhealthy);
  EXPECT_EQ(s.observe(true), ActiveHealth::healthy);
  EXPECT_EQ(s.observe(true), kNoChange);
}

TEST(HealthState, FlipsBackAndForthWithFreshCounts) {
  HealthState s(2, 2);
  ASSERT_EQ(s.observe(true), ActiveHealth::healthy);
  EXPECT_EQ(s.observe(false), kNoChange);
  EXPECT_EQ(s.observe(false), ActiveHealth::unhealthy);
  // The passes seen while healthy do not count toward coming back.
  EXPECT_EQ(s.observe(true), kNoChange);
  EXPECT_EQ(s.observe(true), ActiveHealth::healthy);
  EXPECT_EQ(s.observe(false), kNoChange);
  EXPECT_EQ(s.observe(false), ActiveHealth::unhealthy);
}

TEST(HealthState, AlternatingResultsDoNotFlipAHealthyEndpoint) {
  HealthState s(2, 2);
  ASSERT_EQ(s.observe(true), ActiveHealth::healthy);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(s.observe(false), kNoChange) << i;
    EXPECT_EQ(s.observe(true), kNoChange) << i;
  }
  EXPECT_EQ(s.current(), ActiveHealth::healthy);
}

TEST(HealthState, AlternatingResultsDoNotFlipAnUnhealthyEndpoint) {
  HealthState s(2, 2);
  ASSERT_EQ(s.observe(false), ActiveHealth::unhealthy);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(s.observe(true), kNoChange) << i;
    EXPECT_EQ(s.observe(false), kNoChange) << i;
  }
  EXPECT_EQ(s.current(), ActiveHealth::unhealthy);
}

TEST(HealthState, AnInterruptedRunStartsOver) {
  HealthState s(3, 3);
  ASSERT_EQ(s.observe(true), ActiveHealth::healthy);
  EXPECT_EQ(s.observe(false), kNoChange);
  EXPECT_EQ(s.observe(false), kNoChange);
  EXPECT_EQ(s.observe(true), kNoChange);  // breaks the run of failures
  EXPECT_EQ(s.observe(false), kNoChange);
  EXPECT_EQ(s.observe(false), kNoChange);
  EXPECT_EQ(s.current(), ActiveHealth::healthy);
  EXPECT_EQ(s.observe(false), ActiveHealth::unhealthy);
}

TEST(HealthState, ThresholdOfOneFollowsEveryResult) {
  HealthState s(1, 1);
  EXPECT_EQ(s.observe(true), ActiveHealth::healthy);
  EXPECT_EQ(s.observe(false), ActiveHealth::unhealthy);
  EXPECT_EQ(s.observe(true), ActiveHealth::healthy);
  EXPECT_EQ(s.observe(true), kNoChange);
  EXPECT_EQ(s.observe(false), ActiveHealth::unhealthy);
}

TEST(HealthState, AsymmetricThresholds) {
  // Quick to fail out (1), slow to come back (4).
  HealthState s(4, 1);
  ASSERT_EQ(s.observe(true), ActiveHealth::healthy);
  EXPECT_EQ(s.observe(false), ActiveHealth::unhealthy);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(s.observe(true), kNoChange) << i;
  EXPECT_EQ(s.observe(true), ActiveHealth::healthy);
}

}  // namespace
