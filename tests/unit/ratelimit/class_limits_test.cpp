#include "smart_router/ratelimit/class_limits.hpp"

#include <gtest/gtest.h>

#include "smart_router/observability/metrics.hpp"
#include "smart_router/ratelimit/class_bucket.hpp"
#include "smart_router/ratelimit/client_table.hpp"

namespace {

using namespace smart_router::ratelimit;
using smart_router::ErrorHeader;
namespace config = smart_router::config;
namespace ip = boost::asio::ip;

constexpr Nanos kStart{std::int64_t{1000} * 1'000'000'000};

struct Fixture : ::testing::Test {
  smart_router::observability::Metrics metrics;
  std::shared_ptr<ClientTable> table = std::make_shared<ClientTable>(100);

  ClassLimits limits(std::optional<Rate> class_rate, std::optional<Rate> client_rate) {
    ClassLimits l;
    l.class_name = "LITE";
    if (class_rate)
      l.class_wide = Policy{std::make_shared<ClassBucket>(*class_rate), "LITE-class",
                            &metrics.rate_limited("LITE", "class")};
    if (client_rate)
      l.client = Policy{std::make_shared<ClientLimiter>(table, *client_rate, 1), "LITE-client",
                        &metrics.rate_limited("LITE", "client")};
    l.key_source = KeySource{config::ClientKeyKind::client_ip, {}};
    return l;
  }
  static RequestFacts from(const char* peer) {
    RequestFacts f;
    f.peer = ip::make_address(peer);
    return f;
  }
};

TEST_F(Fixture, NoLimitsAllowEverything) {
  const auto l = limits(std::nullopt, std::nullopt);
  EXPECT_FALSE(l.active());
}

TEST_F(Fixture, ClassLimitRefusesWithHeadersAndCounts) {
  const auto l = limits(Rate::of(5, 5), std::nullopt);
  for (int i = 0; i < 5; ++i) ASSERT_FALSE(l.check(from("127.0.0.1"), kStart)) << i;
  const auto refused = l.check(from("127.0.0.2"), kStart);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->scope, Scope::class_wide);
  EXPECT_EQ(refused->decision.retry_after_s, 1u);
  EXPECT_EQ(refused->headers,
            (std::vector<ErrorHeader>{{"Retry-After", "1"},
                                      {"RateLimit-Policy", "\"LITE-class\";q=5;w=1"},
                                      {"RateLimit", "\"LITE-class\";r=0;t=1"}}));
  EXPECT_EQ(metrics.rate_limited("LITE", "class").Value(), 1);
  EXPECT_EQ(metrics.rate_limited("LITE", "client").Value(), 0);
}

TEST_F(Fixture, ClientLimitIsPerClient) {
  const auto l = limits(std::nullopt, Rate::of(1, 2));
  EXPECT_FALSE(l.check(from("127.0.0.1"), kStart));
  EXPECT_FALSE(l.check(from("127.0.0.1"), kStart));
  const auto refused = l.check(from("127.0.0.1"), kStart);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->scope, Scope::client);
  ASSERT_EQ(refused->headers.size(), 3u);
  EXPECT_EQ(refused->headers[1].value, "\"LITE-client\";q=2;w=2");
  EXPECT_FALSE(l.check(from("127.0.0.2"), kStart)) << "another client has its own bucket";
  EXPECT_EQ(metrics.rate_limited("LITE", "client").Value(), 1);
}

TEST_F(Fixture, AClientOverItsLimitDoesNotDrainTheClassBucket) {
  const auto l = limits(Rate::of(1, 3), Rate::of(1, 1));
  ASSERT_FALSE(l.check(from("127.0.0.1"), kStart));
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(l.check(from("127.0.0.1"), kStart));
  EXPECT_FALSE(l.check(from("127.0.0.2"), kStart));
  EXPECT_FALSE(l.check(from("127.0.0.3"), kStart));
}

TEST_F(Fixture, ARefusalByTheClassGivesTheClientItsTokenBack) {
  const auto l = limits(Rate::of(1, 1), Rate::of(1, 1));
  ASSERT_FALSE(l.check(from("127.0.0.1"), kStart));  // takes the class's only token
  const auto refused = l.check(from("127.0.0.2"), kStart);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->scope, Scope::class_wide);
  // 127.0.0.2 still has its token: once the class bucket refills, it passes.
  EXPECT_FALSE(l.check(from("127.0.0.2"), kStart + Nanos(1'000'000'000)));
}

TEST(RateLimitHeaders, AllowedRequestsTellRemainingAndTimeToFull) {
  Decision d;
  d.allowed = true;
  d.limit = 20;
  d.window_s = 2;
  d.remaining = 7;
  d.reset_s = 2;
  EXPECT_EQ(rate_limit_headers("PRO-client", d),
            (std::vector<ErrorHeader>{{"RateLimit-Policy", "\"PRO-client\";q=20;w=2"},
                                      {"RateLimit", "\"PRO-client\";r=7;t=2"}}));
}

}  // namespace
