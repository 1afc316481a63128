#include "smart_router/ratelimit/fleet_lease.hpp"

#include <gtest/gtest.h>

namespace {

using smart_router::ratelimit::FleetLease;
using smart_router::ratelimit::Nanos;
using smart_router::ratelimit::Rate;

constexpr Nanos kNow{0};
constexpr std::int64_t kMs = 1'000'000;

TEST(FleetLease, FailsOpenUntilConnected) {
  FleetLease lease(Rate::of(10, 10), {});
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(lease.check({}, 1, kNow).allowed) << i;
}

TEST(FleetLease, SpendsWhatWasGrantedThenRefuses) {
  int wakes = 0;
  FleetLease lease(Rate::of(10, 10), [&] { ++wakes; });
  lease.plan(20 * kMs, 20 * kMs);
  lease.granted(4, 0, 0);  // the bucket is empty after this grant: nothing to borrow
  lease.set_connected(true);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(lease.check({}, 1, kNow).allowed) << i;
  EXPECT_EQ(wakes, 1);  // at a quarter of the grant: ask for more now
  const auto refused = lease.check({}, 1, kNow);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.limit, 10u);
  EXPECT_GE(refused.retry_after_s, 1u);
  EXPECT_EQ(wakes, 1);  // once until the next grant
  lease.refund({}, 1);
  EXPECT_TRUE(lease.check({}, 1, kNow).allowed);
}

TEST(FleetLease, BorrowsWhatTheBucketHeldAndAsksForItAtTheNextExchange) {
  FleetLease lease(Rate::of(1000, 100), {});
  lease.granted(4, 50, 0);  // 4 granted, 50 left in the bucket: up to 4 may be borrowed
  lease.set_connected(true);
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(lease.check({}, 1, kNow).allowed) << i;
  EXPECT_FALSE(lease.check({}, 1, kNow).allowed);
  EXPECT_EQ(lease.lease(), -4);
  // The debt is asked for on top of the target: one interval of the rate (20 ms at 1,000/s),
  // more than two intervals of this demand (9 in 20 ms).
  EXPECT_EQ(lease.plan(20 * kMs, 20 * kMs).want, 20 + 4);
}

TEST(FleetLease, AnEmptyGrantDoesNotWakeOnEveryRefusal) {
  int wakes = 0;
  FleetLease lease(Rate::of(10, 10), [&] { ++wakes; });
  lease.set_connected(true);
  EXPECT_FALSE(lease.check({}, 1, kNow).allowed);
  EXPECT_EQ(wakes, 1);
  lease.granted(0, 0, 100 * kMs);
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(lease.check({}, 1, kNow).allowed);
  EXPECT_EQ(wakes, 1);
  lease.granted(2, 0, 0);
  EXPECT_TRUE(lease.check({}, 1, kNow).allowed);
}

TEST(FleetLease, AsksForTwoIntervalsOfDemandWithinTheBurst) {
  FleetLease lease(Rate::of(1000, 500), {});
  lease.set_connected(true);
  // Quiet: one token at hand.
  EXPECT_EQ(lease.plan(20 * kMs, 20 * kMs).want, 1);
  // A trickle: at least one interval of the configured rate (20 ms at 1,000/s).
  lease.check({}, 1, kNow);
  EXPECT_EQ(lease.plan(20 * kMs, 20 * kMs).want, 20);
  // 100 requests in 20 ms: two intervals of that pace.
  for (int i = 0; i < 100; ++i) lease.check({}, 1, kNow);
  EXPECT_EQ(lease.plan(20 * kMs, 20 * kMs).want, 200);
  // Never more than the bucket holds.
  for (int i = 0; i < 10'000; ++i) lease.check({}, 1, kNow);
  EXPECT_EQ(lease.plan(20 * kMs, 20 * kMs).want, 500);
}

TEST(FleetLease, GivesBackALeaseFarOverTheDemand) {
  FleetLease lease(Rate::of(1000, 500), {});
  lease.granted(400, 0, 0);
  lease.set_connected(true);
  const auto ask = lease.plan(20 * kMs, 20 * kMs);  // quiet: one token is kept
  EXPECT_EQ(ask.want, 0);
  EXPECT_EQ(ask.give_back, 399);
  EXPECT_EQ(lease.lease(), 1);
  for (int i = 0; i < 50; ++i) lease.check({}, 1, kNow);  // busy again: 100 in two intervals
  EXPECT_EQ(lease.plan(20 * kMs, 20 * kMs).want, 100);
}

TEST(FleetLease, DisconnectingDropsTheLeaseAndFailsOpen) {
  FleetLease lease(Rate::of(10, 10), {});
  lease.granted(3, 0, 0);
  lease.set_connected(true);
  lease.set_connected(false);
  EXPECT_EQ(lease.lease(), 0);
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(lease.check({}, 1, kNow).allowed);
}

}  // namespace
