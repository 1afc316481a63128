#include "smart_router/health/active_recovery.hpp"

#include <gtest/gtest.h>

namespace {

using smart_router::health::apply_active_health;
using smart_router::upstream::ActiveHealth;
using smart_router::upstream::Endpoint;
using smart_router::upstream::EndpointFailure;

constexpr std::int64_t kNow = 1000;

TEST(ApplyActiveHealth, RecoveryEndsAnEjection) {
  // Crashed (ejected by its failures, then failed by the checks), restarted, checks pass.
  Endpoint ep("shared", "127.0.0.1:9001");
  for (int i = 0; i < 5; ++i) ep.note_failure(EndpointFailure::connect_failure);
  ep.eject_until(kNow + 30000);
  EXPECT_FALSE(apply_active_health(ep, ActiveHealth::unhealthy, kNow));
  EXPECT_TRUE(ep.ejected(kNow));
  EXPECT_TRUE(apply_active_health(ep, ActiveHealth::healthy, kNow));
  EXPECT_FALSE(ep.ejected(kNow));
  EXPECT_TRUE(ep.routable(kNow));
  EXPECT_EQ(ep.consecutive_failures(), 0u);
}

TEST(ApplyActiveHealth, PassingChecksWithoutARecoveryKeepTheEjection) {
  // Failing requests while /health passes (the first check, or checks that never failed):
  // the checks say nothing new and the ejection runs its time.
  Endpoint ep("shared", "127.0.0.1:9001");
  ep.eject_until(kNow + 30000);
  EXPECT_FALSE(apply_active_health(ep, ActiveHealth::healthy, kNow));  // unknown -> healthy
  EXPECT_FALSE(apply_active_health(ep, ActiveHealth::healthy, kNow));  // healthy -> healthy
  EXPECT_TRUE(ep.ejected(kNow));
  EXPECT_FALSE(ep.routable(kNow));
  EXPECT_EQ(ep.active_health(), ActiveHealth::healthy);
}

TEST(ApplyActiveHealth, RecoveryWithoutAnEjectionOnlySetsHealth) {
  Endpoint ep("shared", "127.0.0.1:9001");
  apply_active_health(ep, ActiveHealth::unhealthy, kNow);
  EXPECT_FALSE(ep.routable(kNow));
  EXPECT_FALSE(apply_active_health(ep, ActiveHealth::healthy, kNow));
  EXPECT_TRUE(ep.routable(kNow));
}

}  // namespace
