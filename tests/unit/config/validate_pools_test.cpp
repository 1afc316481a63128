#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace smart_router::config {
namespace {

using test::HasError;

TEST(ValidatePoolsTest, AtLeastOnePool) {
  const auto absent = test::validate_yaml("server: {}\n");
  EXPECT_TRUE(
      HasError(absent, 0, 0, "pools: at least one pool is required"));  // 1:1 from the loader
  // No follow-up "unknown pool" errors from the default classes and routes.
  EXPECT_EQ(absent.size(), 1u) << test::dump(absent);

  const auto empty = test::validate_yaml("pools: {}\n");
  EXPECT_TRUE(HasError(empty, 1, 1, "pools: at least one pool is required"));
  EXPECT_EQ(empty.size(), 1u) << test::dump(empty);
}

TEST(ValidatePoolsTest, DuplicatePoolNames) {
  const auto errors = test::validate_yaml(
      "pools:\n"                              // 1
      "  shared: {endpoints: [\"h:1\"]}\n"    // 2: key col 3
      "  premium: {endpoints: [\"h:2\"]}\n"   // 3
      "  shared: {endpoints: [\"h:3\"]}\n");  // 4: key col 3
  EXPECT_TRUE(HasError(errors, 4, 3,
                       "pools.shared: duplicate pool \"shared\" (first defined at line 2, column "
                       "3)"));
  EXPECT_EQ(errors.size(), 1u) << test::dump(errors);
}

TEST(ValidatePoolsTest, Endpoints) {
  const auto errors = test::validate_yaml(
      "pools:\n"                                                        // 1
      "  shared:\n"                                                     // 2
      "    endpoints: [\"h:1\", \"nohost\", \"h:1\", \"h:0\", \"\"]\n"  // 3: 24, 34, 41, 48
      "  premium:\n"                                                    // 4
      "    endpoints: []\n");                                           // 5: key col 5
  EXPECT_TRUE(HasError(errors, 3, 24,
                       "pools.shared.endpoints[1]: invalid endpoint \"nohost\": missing "
                       "\":PORT\""));
  EXPECT_TRUE(HasError(errors, 3, 34, "pools.shared.endpoints[2]: duplicate endpoint \"h:1\""));
  EXPECT_TRUE(HasError(errors, 3, 41,
                       "pools.shared.endpoints[3]: invalid endpoint \"h:0\": port \"0\" is not a "
                       "number in 1..65535"));
  EXPECT_TRUE(HasError(errors, 3, 48, "pools.shared.endpoints[4]: invalid endpoint \"\": empty"));
  EXPECT_TRUE(HasError(errors, 5, 5,
                       "pools.premium.endpoints: at least one endpoint (\"host:port\") is "
                       "required"));
  EXPECT_EQ(errors.size(), 5u) << test::dump(errors);
}

TEST(ValidatePoolsTest, NumericRanges) {
  const auto errors = test::validate_yaml(
      "pools:\n"                                                           // 1
      "  shared:\n"                                                        // 2
      "    endpoints: [\"h:1\"]\n"                                         // 3
      "    dns_refresh_ms: 0\n"                                            // 4: col 21
      "    connect_timeout_ms: 0\n"                                        // 5: col 25
      "    health_check: {interval_ms: 0, timeout_ms: 0, path: health}\n"  // 6: 33,48,57
      "    outlier_detection: {consecutive_failures: 0, max_ejection_percent: 101}\n"  // 7: 47,72
      "    retries: {attempts: 11}\n"                                                  // 8: col 25
      "  premium:\n"                                                                   // 9
      "    endpoints: [\"h:2\"]\n"                                                     // 10
      "    health_check: {healthy_threshold: 0, unhealthy_threshold: 0,\n"             // 11: 39,63
      "                   expected_status: [99, 200, 600]}\n"                          // 12: 38,47
      "    outlier_detection: {ejection_ms: 0, max_ejection_percent: 100}\n"           // 13: 38
      "    retries: {attempts: 10}\n");
  EXPECT_TRUE(HasError(errors, 4, 21, "pools.shared.dns_refresh_ms: must be greater than 0"));
  EXPECT_TRUE(HasError(errors, 5, 25, "pools.shared.connect_timeout_ms: must be greater than 0"));
  EXPECT_TRUE(
      HasError(errors, 6, 33, "pools.shared.health_check.interval_ms: must be greater than 0"));
  EXPECT_TRUE(
      HasError(errors, 6, 48, "pools.shared.health_check.timeout_ms: must be greater than 0"));
  EXPECT_TRUE(HasError(errors, 6, 57,
                       "pools.shared.health_check.path: must start with '/', got \"health\""));
  EXPECT_TRUE(HasError(errors, 7, 47,
                       "pools.shared.outlier_detection.consecutive_failures: must be greater "
                       "than 0"));
  EXPECT_TRUE(HasError(errors, 7, 72,
                       "pools.shared.outlier_detection.max_ejection_percent: must be between 0 "
                       "and 100, got 101"));
  EXPECT_TRUE(HasError(errors, 8, 25,
                       "pools.shared.retries.attempts: must be between 0 and 10 (retries after "
                       "the first try), got 11"));
  EXPECT_TRUE(HasError(errors, 11, 39,
                       "pools.premium.health_check.healthy_threshold: must be greater than 0"));
  EXPECT_TRUE(HasError(errors, 11, 63,
                       "pools.premium.health_check.unhealthy_threshold: must be greater than 0"));
  EXPECT_TRUE(HasError(errors, 12, 38,
                       "pools.premium.health_check.expected_status[0]: must be between 100 and "
                       "599, got 99"));
  EXPECT_TRUE(HasError(errors, 12, 47,
                       "pools.premium.health_check.expected_status[2]: must be between 100 and "
                       "599, got 600"));
  EXPECT_TRUE(HasError(errors, 13, 38,
                       "pools.premium.outlier_detection.ejection_ms: must be greater than 0"));
  EXPECT_EQ(errors.size(), 13u) << test::dump(errors);
}

TEST(ValidatePoolsTest, RetryBudgetRanges) {
  const auto errors = test::validate_yaml(
      "pools:\n"  // 1
      "  shared: {endpoints: [\"h:1\"], retry_budget: {percent: 101, min_concurrent: 0}}\n"
      "  premium: {endpoints: [\"h:2\"], retry_budget: {percent: 0, min_concurrent: 2000000}}\n");
  EXPECT_TRUE(HasError(errors, 2, 56,
                       "pools.shared.retry_budget.percent: must be between 0 and 100 (of the "
                       "pool's requests in flight), got 101"));
  EXPECT_TRUE(HasError(errors, 3, 76,
                       "pools.premium.retry_budget.min_concurrent: must be between 0 and "
                       "1000000, got 2000000"));
  EXPECT_EQ(errors.size(), 2u) << test::dump(errors);
}

TEST(ValidatePoolsTest, ExpectedStatusMustNotBeEmpty) {
  const auto errors = test::validate_yaml(
      "pools:\n"
      "  shared: {endpoints: [\"h:1\"], health_check: {expected_status: []}}\n"
      "  premium: {endpoints: [\"h:2\"]}\n");
  EXPECT_TRUE(HasError(errors, 2, 47,
                       "pools.shared.health_check.expected_status: at least one status is "
                       "required"));
}

TEST(ValidatePoolsTest, TlsCaFileMustBeReadableWhenEnabled) {
  const auto errors = test::validate_yaml(
      "pools:\n"  // 1
      "  shared: {endpoints: [\"h:1\"], tls: {enabled: true, ca_file: /nonexistent/ca.pem}}\n"
      "  premium: {endpoints: [\"h:2\"], tls: {enabled: false, ca_file: /nonexistent/ca.pem}}\n");
  EXPECT_TRUE(HasError(errors, 2, 62,
                       "pools.shared.tls.ca_file: cannot read \"/nonexistent/ca.pem\": No such "
                       "file or directory"));
  EXPECT_EQ(errors.size(), 1u) << test::dump(errors);
}

}  // namespace
}  // namespace smart_router::config
