#include "smart_router/config/defaults.hpp"

#include <gtest/gtest.h>

namespace smart_router::config {
namespace {

TEST(DefaultsTest, ContractClasses) {
  const auto classes = default_tier_classes();
  ASSERT_EQ(classes.size(), 6u);
  const char* names[] = {"LITE", "PRO", "ELITE", "BLACK", "OBSIDIAN", "VOID"};
  const char* pools[] = {"shared", "shared", "premium", "premium", "premium", "premium"};
  const int priorities[] = {0, 1, 2, 3, 3, 3};
  const unsigned budgets[] = {100, 100, 50, 50, 50, 50};
  const unsigned timeouts[] = {1000, 1000, 500, 500, 500, 500};
  const unsigned shed[] = {70, 85, 100, 100, 100, 100};
  for (std::size_t i = 0; i < 6; ++i) {
    SCOPED_TRACE(names[i]);
    EXPECT_EQ(classes[i].name, names[i]);
    EXPECT_EQ(classes[i].pool, pools[i]);
    EXPECT_EQ(classes[i].priority, priorities[i]);
    EXPECT_EQ(classes[i].latency_budget_ms, budgets[i]);
    EXPECT_EQ(classes[i].timeout_ms, timeouts[i]);
    EXPECT_EQ(classes[i].shed_at_percent, shed[i]);
    EXPECT_EQ(classes[i].mark.line, 0);
  }
}

TEST(DefaultsTest, ContractRoutes) {
  const auto routes = default_routes();
  ASSERT_EQ(routes.size(), 3u);
  const std::vector<std::string> prefixes = {"/api/v1/premium/", "/api/v1/elite/",
                                             "/api/v1/black/"};

  EXPECT_EQ(routes[0].name, "premium-paths");
  EXPECT_EQ(routes[0].match.path_prefix, prefixes);
  EXPECT_EQ(routes[0].match.tiers,
            (std::vector<std::string>{"ELITE", "BLACK", "OBSIDIAN", "VOID"}));
  EXPECT_EQ(routes[0].action, RouteActionKind::pool);
  EXPECT_EQ(routes[0].pool, "premium");

  EXPECT_EQ(routes[1].name, "premium-paths-denied");
  EXPECT_EQ(routes[1].match.path_prefix, prefixes);
  EXPECT_TRUE(routes[1].match.tiers.empty());
  EXPECT_EQ(routes[1].action, RouteActionKind::respond);
  EXPECT_EQ(routes[1].respond.status, 403u);
  EXPECT_EQ(routes[1].respond.error, "tier_required");

  EXPECT_EQ(routes[2].name, "by-tier");
  EXPECT_TRUE(routes[2].match.path_prefix.empty());
  EXPECT_EQ(routes[2].action, RouteActionKind::tier_pool);
}

}  // namespace
}  // namespace smart_router::config
