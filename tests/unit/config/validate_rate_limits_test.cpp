#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace smart_router::config {
namespace {

using test::HasError;
using test::kPools;

TEST(ValidateRateLimitsTest, ValidLimitsPass) {
  const auto errors = test::validate_yaml(
      "tiers: {trust: {mode: jwt}}\n"
      "rate_limits:\n"
      "  classes:\n"
      "    LITE: {class: {requests_per_second: 0.001, burst: 1000000},\n"
      "           client: {key: jwt_subject, requests_per_second: 1000000}}\n"
      "    void: {client: {key: \"header:X-Api-Key\", requests_per_second: 5, burst: 1}}\n" +
      std::string(kPools));
  EXPECT_TRUE(errors.empty()) << test::dump(errors);
}

TEST(ValidateRateLimitsTest, RangesClassesAndKeys) {
  const auto errors = test::validate_yaml(
      "rate_limits:\n"                                     // 1
      "  max_client_keys: 0\n"                             // 2: col 20
      "  classes:\n"                                       // 3
      "    LITE:\n"                                        // 4
      "      class: {requests_per_second: 0, burst: 0}\n"  // 5
      "      client: {key: jwt_subject, requests_per_second: 2000000, burst: 1000001}\n"  // 6
      "    GOLD:\n"                                                                       // 7: 5
      "      class: {requests_per_second: 1}\n" +                                         // 8
      std::string(kPools));
  EXPECT_TRUE(HasError(errors, 2, 20, "rate_limits.max_client_keys: must be greater than 0"));
  EXPECT_TRUE(HasError(errors, 5, 36,
                       "rate_limits.classes.LITE.class.requests_per_second: must be between "
                       "0.001 and 1000000"));
  EXPECT_TRUE(HasError(errors, 5, 46,
                       "rate_limits.classes.LITE.class.burst: must be between 1 and 1000000"));
  EXPECT_TRUE(HasError(errors, 6, 21,
                       "rate_limits.classes.LITE.client.key: jwt_subject needs tiers.trust.mode: "
                       "jwt"));
  EXPECT_TRUE(HasError(errors, 6, 55, "client.requests_per_second: must be between"));
  EXPECT_TRUE(HasError(errors, 6, 71, "client.burst: must be between 1 and 1000000"));
  EXPECT_TRUE(HasError(errors, 7, 5, "rate_limits.classes.GOLD: unknown class \"GOLD\" (known: "));
}

TEST(ValidateRateLimitsTest, FleetLimitsAndTheirRedis) {
  const auto ok = test::validate_yaml(
      "rate_limits:\n"
      "  redis: {url: \"rediss://u:p@cache:6380/2\", sync_interval_ms: 10, timeout_ms: 100}\n"
      "  classes:\n"
      "    LITE: {fleet: {requests_per_second: 1000}}\n" +
      std::string(kPools));
  EXPECT_TRUE(ok.empty()) << test::dump(ok);

  const auto errors = test::validate_yaml(
      "rate_limits:\n"                                                             // 1
      "  redis: {url: \"redis://cache:0\", sync_interval_ms: 0, timeout_ms: 0}\n"  // 2
      "  classes:\n"                                                               // 3
      "    LITE: {fleet: {requests_per_second: 0}}\n" +                            // 4
      std::string(kPools));
  EXPECT_TRUE(HasError(errors, 2, 16, "rate_limits.redis.url: invalid Redis URL"));
  EXPECT_TRUE(HasError(errors, 2, 53, "rate_limits.redis.sync_interval_ms: must be between 1"));
  EXPECT_TRUE(HasError(errors, 2, 68, "rate_limits.redis.timeout_ms: must be between 1"));
  EXPECT_TRUE(HasError(errors, 4, 41,
                       "rate_limits.classes.LITE.fleet.requests_per_second: must be between"));

  const auto no_redis = test::validate_yaml(
      "rate_limits:\n"
      "  classes:\n"
      "    PRO: {fleet: {requests_per_second: 5}}\n" +
      std::string(kPools));
  ASSERT_EQ(no_redis.size(), 1u) << test::dump(no_redis);
  EXPECT_NE(no_redis[0].message.find("rate_limits.redis.url: a class has a fleet limit"),
            std::string::npos)
      << test::dump(no_redis);
}

}  // namespace
}  // namespace smart_router::config
