#include <gtest/gtest.h>

#include "config_test_support.hpp"
#include "smart_router/config/yaml_loader.hpp"

namespace smart_router::config {
namespace {

using test::HasError;

TEST(YamlPoolsTest, ReadsEveryKeyInFileOrder) {
  const auto p = parse_config_yaml(
      "pools:\n"                                       // 1
      "  zeta:\n"                                      // 2
      "    endpoints: [\"a.svc:80\", \"[::1]:81\"]\n"  // 3
      "    dns_refresh_ms: 1000\n"                     // 4
      "    load_balancing: round_robin\n"              // 5
      "    connect_timeout_ms: 100\n"                  // 6
      "    max_idle_per_endpoint: 8\n"                 // 7
      "    health_check: {enabled: false, path: /hz, interval_ms: 300, timeout_ms: 200,\n"
      "                   healthy_threshold: 3, unhealthy_threshold: 4,\n"  // 9
      "                   expected_status: [200, 204]}\n"                   // 10
      "    outlier_detection: {consecutive_failures: 2, ejection_ms: 10, max_ejection_percent: 0}\n"
      "    retries: {attempts: 3, on: [reset], idempotent_only: false}\n"  // 12
      "    tls: {enabled: true, verify: false, ca_file: /ca.pem, sni: a.svc}\n"
      "  alpha:\n"             // 14
      "    endpoints: b:1\n",  // 15
      "f.yaml");
  ASSERT_TRUE(p.errors.empty()) << test::dump(p.errors);
  const auto& pools = p.config.pools;
  ASSERT_EQ(pools.size(), 2u);
  const Pool& z = pools[0];
  EXPECT_EQ(z.name, "zeta");
  EXPECT_EQ(z.mark.line, 2);
  EXPECT_EQ(z.mark.column, 3);
  EXPECT_EQ(z.endpoints, (std::vector<std::string>{"a.svc:80", "[::1]:81"}));
  EXPECT_EQ(z.dns_refresh_ms, 1000u);
  EXPECT_EQ(z.load_balancing, LoadBalancing::round_robin);
  EXPECT_EQ(z.connect_timeout_ms, 100u);
  EXPECT_EQ(z.max_idle_per_endpoint, 8u);
  EXPECT_FALSE(z.health_check.enabled);
  EXPECT_EQ(z.health_check.path, "/hz");
  EXPECT_EQ(z.health_check.interval_ms, 300u);
  EXPECT_EQ(z.health_check.timeout_ms, 200u);
  EXPECT_EQ(z.health_check.healthy_threshold, 3u);
  EXPECT_EQ(z.health_check.unhealthy_threshold, 4u);
  EXPECT_EQ(z.health_check.expected_status, (std::vector<unsigned>{200, 204}));
  EXPECT_EQ(z.outlier_detection.consecutive_failures, 2u);
  EXPECT_EQ(z.outlier_detection.ejection_ms, 10u);
  EXPECT_EQ(z.outlier_detection.max_ejection_percent, 0u);
  EXPECT_EQ(z.retries.attempts, 3u);
  EXPECT_FALSE(z.retries.on_connect_failure);
  EXPECT_TRUE(z.retries.on_reset);
  EXPECT_FALSE(z.retries.on_503);
  EXPECT_FALSE(z.retries.idempotent_only);
  EXPECT_TRUE(z.tls.enabled);
  EXPECT_FALSE(z.tls.verify);
  EXPECT_EQ(z.tls.ca_file, "/ca.pem");
  EXPECT_EQ(z.tls.sni, "a.svc");

  const Pool& a = pools[1];
  EXPECT_EQ(a.name, "alpha");
  EXPECT_EQ(a.endpoints, std::vector<std::string>{"b:1"});
  EXPECT_EQ(a.load_balancing, LoadBalancing::least_request);  // defaults
  EXPECT_TRUE(a.health_check.enabled);
  EXPECT_EQ(a.health_check.interval_ms, 5000u);
  EXPECT_TRUE(a.retries.on_503);
  EXPECT_EQ(p.marks.pools[1].path, "pools.alpha");
  EXPECT_EQ(p.marks.pools[0].find("pools.zeta.endpoints[1]").column, 29);
}

TEST(YamlPoolsTest, RetryBudgetDefaultsAsEnvoys) {
  const auto p = parse_config_yaml(
      "pools:\n"
      "  a: {endpoints: [\"h:1\"], retry_budget: {percent: 50, min_concurrent: 0}}\n"
      "  b: {endpoints: [\"h:2\"], retry_budget: {percent: 10}}\n"
      "  c: {endpoints: [\"h:3\"]}\n",
      "f.yaml");
  ASSERT_TRUE(p.errors.empty()) << test::dump(p.errors);
  const auto& pools = p.config.pools;
  EXPECT_EQ(pools[0].retry_budget.percent, 50u);
  EXPECT_EQ(pools[0].retry_budget.min_concurrent, 0u);
  EXPECT_EQ(pools[1].retry_budget.percent, 10u);
  EXPECT_EQ(pools[1].retry_budget.min_concurrent, 3u);
  EXPECT_EQ(pools[2].retry_budget.percent, 20u);
  EXPECT_EQ(pools[2].retry_budget.min_concurrent, 3u);
}

TEST(YamlPoolsTest, RetryBudgetUnknownKey) {
  const auto p = parse_config_yaml(
      "pools:\n"
      "  a: {endpoints: [\"h:1\"], retry_budget: {percentage: 5}}\n",  // key col 42
      "f.yaml");
  EXPECT_TRUE(
      HasError(p.errors, 2, 42,
               "unknown key \"percentage\" in pools.a.retry_budget (did you mean \"percent\"?)"));
}

TEST(YamlPoolsTest, HealthCheckCanBeJustDisabled) {
  const auto p = parse_config_yaml(
      "pools:\n  a: {endpoints: [\"h:1\"], health_check: {enabled: false}}\n", "f.yaml");
  ASSERT_TRUE(p.errors.empty()) << test::dump(p.errors);
  EXPECT_FALSE(p.config.pools[0].health_check.enabled);
  EXPECT_EQ(p.config.pools[0].health_check.path, "/health");
}

TEST(YamlPoolsTest, Errors) {
  const auto p = parse_config_yaml(
      "pools:\n"                                          // 1
      "  shared:\n"                                       // 2
      "    endpoints: [\"h:1\"]\n"                        // 3
      "    tiemout_ms: 5\n"                               // 4: key col 5
      "    load_balancing: fastest\n"                     // 5: value col 21
      "    retries: {on: [connect_failure, timeout]}\n"   // 6: item col 37
      "    health_check: {expected_status: [200, ok]}\n"  // 7: item col 43
      "  premium: [\"h:2\"]\n",                           // 8: value col 12
      "f.yaml");
  EXPECT_TRUE(HasError(p.errors, 4, 5,
                       "unknown key \"tiemout_ms\" in pools.shared (expected one of: endpoints,"));
  EXPECT_TRUE(HasError(p.errors, 5, 21,
                       "pools.shared.load_balancing: unknown value \"fastest\" (expected one of: "
                       "round_robin, least_request, random)"));
  EXPECT_TRUE(HasError(p.errors, 6, 37,
                       "pools.shared.retries.on[1]: unknown value \"timeout\" (expected one of: "
                       "connect_failure, reset, 503)"));
  EXPECT_TRUE(HasError(p.errors, 7, 43,
                       "pools.shared.health_check.expected_status[1]: expected an unsigned "
                       "integer, got \"ok\""));
  EXPECT_TRUE(HasError(p.errors, 8, 12, "pools.premium: expected a mapping, got a list"));
  EXPECT_EQ(p.errors.size(), 5u) << test::dump(p.errors);
  // A rejected `on` list leaves the defaults.
  EXPECT_TRUE(p.config.pools[0].retries.on_503);
}

TEST(YamlPoolsTest, PoolsMustBeAMapping) {
  const auto p = parse_config_yaml("pools:\n  - shared\n", "f.yaml");
  EXPECT_TRUE(
      HasError(p.errors, 2, 3, "pools: expected a mapping of name to settings, got a list"));
  EXPECT_TRUE(p.marks.file.has_failed("pools"));
}

}  // namespace
}  // namespace smart_router::config
