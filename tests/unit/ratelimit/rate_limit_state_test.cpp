#include "smart_router/ratelimit/rate_limit_state.hpp"

#include <gtest/gtest.h>

namespace {

using namespace smart_router::ratelimit;
namespace config = smart_router::config;
namespace ip = boost::asio::ip;

constexpr Nanos kStart{std::int64_t{1000} * 1'000'000'000};

config::RateLimits lite(double class_rps, std::uint32_t class_burst, double client_rps = 0) {
  config::RateLimits rl;
  config::ClassRateLimits c;
  c.class_name = "LITE";
  c.class_limit = config::RateLimit{class_rps, class_burst};
  if (client_rps > 0) {
    config::ClientRateLimit client;
    client.rate = config::RateLimit{client_rps, 1};
    c.client = client;
  }
  rl.classes.push_back(c);
  return rl;
}

RequestFacts peer(const char* a) {
  RequestFacts f;
  f.peer = ip::make_address(a);
  return f;
}

int passed(const ClassLimits& l, int n, const char* from = "127.0.0.1") {
  int ok = 0;
  for (int i = 0; i < n; ++i) ok += l.check(peer(from), kStart) ? 0 : 1;
  return ok;
}

TEST(EffectiveBurst, DefaultsToOneSecondOfRate) {
  EXPECT_EQ(effective_burst({10, 0}), 10u);
  EXPECT_EQ(effective_burst({2.5, 0}), 3u);
  EXPECT_EQ(effective_burst({0.1, 0}), 1u);
  EXPECT_EQ(effective_burst({10, 4}), 4u);
}

TEST(RateLimitState, AClassWithoutLimitsIsInactive) {
  smart_router::observability::Metrics metrics;
  RateLimitState state;
  EXPECT_FALSE(state.limits_for(lite(5, 5), "PRO", metrics).active());
  EXPECT_TRUE(state.limits_for(lite(5, 5), "LITE", metrics).active());
}

TEST(RateLimitState, AnUnchangedLimitKeepsItsBucketAcrossAReload) {
  smart_router::observability::Metrics metrics;
  RateLimitState state;
  const auto before = state.limits_for(lite(5, 5), "LITE", metrics);
  ASSERT_EQ(passed(before, 3), 3);
  const auto after = state.limits_for(lite(5, 5), "LITE", metrics);
  EXPECT_EQ(passed(after, 5), 2) << "the reloaded snapshot sees the same, partly used bucket";
}

TEST(RateLimitState, AChangedLimitStartsAFullBucket) {
  smart_router::observability::Metrics metrics;
  RateLimitState state;
  ASSERT_EQ(passed(state.limits_for(lite(5, 5), "LITE", metrics), 5), 5);
  EXPECT_EQ(passed(state.limits_for(lite(5, 8), "LITE", metrics), 10), 8);
}

TEST(RateLimitState, ClientBucketsFollowTheirPolicy) {
  smart_router::observability::Metrics metrics;
  RateLimitState state;
  const auto first = state.limits_for(lite(1000, 1000, 1), "LITE", metrics);
  ASSERT_EQ(passed(first, 3), 1);
  EXPECT_EQ(passed(state.limits_for(lite(1000, 1000, 1), "LITE", metrics), 3), 0)
      << "same client policy: the client's empty bucket is kept";
  EXPECT_EQ(passed(state.limits_for(lite(1000, 1000, 2), "LITE", metrics), 3), 1)
      << "a changed client policy starts on fresh buckets";
}

}  // namespace
