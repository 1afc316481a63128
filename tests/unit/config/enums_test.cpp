#include "smart_router/config/enums.hpp"

#include <gtest/gtest.h>

namespace smart_router::config {
namespace {

TEST(EnumsTest, RoundTripEveryName) {
  for (auto n : trust_mode_names()) EXPECT_EQ(to_string(*parse_trust_mode(n)), n);
  for (auto n : fallback_policy_names()) EXPECT_EQ(to_string(*parse_fallback_policy(n)), n);
  for (auto n : load_balancing_names()) EXPECT_EQ(to_string(*parse_load_balancing(n)), n);
  for (auto n : log_level_names()) EXPECT_EQ(to_string(*parse_log_level(n)), n);
}

TEST(EnumsTest, YamlSpellings) {
  EXPECT_EQ(parse_fallback_policy("default"), FallbackPolicy::use_default);
  EXPECT_EQ(parse_fallback_policy("reject"), FallbackPolicy::reject);
  EXPECT_EQ(parse_trust_mode("trusted_peers"), TrustMode::trusted_peers);
  EXPECT_EQ(parse_load_balancing("least_request"), LoadBalancing::least_request);
  EXPECT_EQ(parse_log_level("warn"), LogLevel::warn);
  EXPECT_EQ(to_string(RouteActionKind::tier_pool), "tier_pool");
  EXPECT_EQ(trust_mode_names().size(), 3u);
  EXPECT_EQ(log_level_names().size(), 5u);
}

TEST(EnumsTest, RejectsOtherSpellings) {
  EXPECT_EQ(parse_trust_mode("JWT"), std::nullopt);
  EXPECT_EQ(parse_fallback_policy("use_default"), std::nullopt);
  EXPECT_EQ(parse_load_balancing("roundrobin"), std::nullopt);
  EXPECT_EQ(parse_log_level("warning"), std::nullopt);
}

}  // namespace
}  // namespace smart_router::config
