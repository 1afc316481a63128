#include <gtest/gtest.h>

#include "config_test_support.hpp"
#include "smart_router/config/yaml_loader.hpp"

namespace smart_router::config {
namespace {

using test::HasError;

TEST(YamlRateLimitsTest, AbsentMeansNoLimits) {
  const auto p = parse_config_yaml(std::string(test::kPools), "f.yaml");
  ASSERT_TRUE(p.errors.empty()) << test::dump(p.errors);
  EXPECT_TRUE(p.config.rate_limits.classes.empty());
  EXPECT_EQ(p.config.rate_limits.max_client_keys, 100000u);
}

TEST(YamlRateLimitsTest, ReadsEveryKey) {
  const auto p = parse_config_yaml(
      "rate_limits:\n"
      "  max_client_keys: 500\n"
      "  classes:\n"
      "    lite:\n"
      "      class: {requests_per_second: 0.5, burst: 3}\n"
      "      client: {key: \"header:X-Api-Key\", requests_per_second: 10}\n"
      "    PRO: {client: {key: jwt_subject, requests_per_second: 1e3, burst: 50}}\n"
      "    ELITE: {client: {key: client_ip, requests_per_second: 2}}\n",
      "f.yaml");
  ASSERT_TRUE(p.errors.empty()) << test::dump(p.errors);
  const RateLimits& rl = p.config.rate_limits;
  EXPECT_EQ(rl.max_client_keys, 500u);
  ASSERT_EQ(rl.classes.size(), 3u);
  const ClassRateLimits* lite = rl.find("LITE");
  ASSERT_NE(lite, nullptr) << "class names are upper-cased as in tiers.classes";
  ASSERT_TRUE(lite->class_limit);
  EXPECT_DOUBLE_EQ(lite->class_limit->requests_per_second, 0.5);
  EXPECT_EQ(lite->class_limit->burst, 3u);
  ASSERT_TRUE(lite->client);
  EXPECT_EQ(lite->client->key, ClientKeyKind::header);
  EXPECT_EQ(lite->client->header, "X-Api-Key");
  EXPECT_EQ(lite->client->rate.burst, 0u) << "absent: one second's worth, decided later";
  const ClassRateLimits* pro = rl.find("PRO");
  ASSERT_NE(pro, nullptr);
  EXPECT_FALSE(pro->class_limit);
  EXPECT_EQ(pro->client->key, ClientKeyKind::jwt_subject);
  EXPECT_DOUBLE_EQ(pro->client->rate.requests_per_second, 1000);
  EXPECT_EQ(rl.find("ELITE")->client->key, ClientKeyKind::client_ip);
}

TEST(YamlRateLimitsTest, BadValuesAreReportedWhereTheyAre) {
  const auto p = parse_config_yaml(
      "rate_limits:\n"                                                   // 1
      "  classes:\n"                                                     // 2
      "    LITE:\n"                                                      // 3
      "      class: {requests_per_second: fast}\n"                       // 4: col 36
      "      client: {key: cookie, requests_per_second: 1}\n"            // 5: col 21
      "    PRO:\n"                                                       // 6
      "      client: {key: \"header:X Bad\", requests_per_second: 1}\n"  // 7: col 21
      "      burst: 4\n"                                                 // 8: col 7
      "    ELITE:\n"                                                     // 9
      "      client: {requests_per_second: 1}\n"                         // 10: col 7
      "    lite: {}\n",                                                  // 11: col 5
      "f.yaml");
  EXPECT_TRUE(HasError(p.errors, 4, 36,
                       "rate_limits.classes.LITE.class.requests_per_second: expected a number"));
  EXPECT_TRUE(HasError(p.errors, 5, 21,
                       "unknown value \"cookie\" (expected one of: client_ip, jwt_subject, "
                       "header:NAME"));
  EXPECT_TRUE(HasError(p.errors, 7, 21, "invalid header name \"X Bad\""));
  EXPECT_TRUE(HasError(p.errors, 8, 7, "unknown key \"burst\" in rate_limits.classes.PRO"));
  EXPECT_TRUE(HasError(p.errors, 10, 7, "missing required key \"key\""));
  EXPECT_TRUE(HasError(p.errors, 11, 5,
                       "rate_limits.classes.LITE: class \"LITE\" is listed twice (first at line "
                       "3, column 5;"));
}

}  // namespace
}  // namespace smart_router::config
