#include "smart_router/config/marks.hpp"

#include <gtest/gtest.h>

namespace smart_router::config {
namespace {

TEST(MarksTest, ParentPath) {
  EXPECT_EQ(parent_path("pools.shared.endpoints[1]"), "pools.shared.endpoints");
  EXPECT_EQ(parent_path("pools.shared.endpoints"), "pools.shared");
  EXPECT_EQ(parent_path("routes[2]"), "routes");
  EXPECT_EQ(parent_path("server"), "");
}

TEST(MarksTest, FindFallsBackToNearestAncestorThenSelf) {
  FieldMarks m = FieldMarks::entry("pools.shared", {3, 3});
  m.at["pools.shared.health_check"] = {7, 19};
  m.at["pools.shared.health_check.path"] = {7, 27};
  EXPECT_EQ(m.find("pools.shared.health_check.path").column, 27);
  EXPECT_EQ(m.find("pools.shared.health_check.interval_ms").column, 19);
  EXPECT_EQ(m.find("pools.shared.retries.attempts").line, 3);
}

TEST(MarksTest, FailedCoversDescendants) {
  FieldMarks m;
  m.failed.insert("routes[1].match");
  EXPECT_TRUE(m.has_failed("routes[1].match"));
  EXPECT_TRUE(m.has_failed("routes[1].match.tiers[0]"));
  EXPECT_FALSE(m.has_failed("routes[1].pool"));
  EXPECT_FALSE(m.has_failed("routes[10].match"));
}

TEST(MarksTest, WithoutPositionsNamesEveryEntry) {
  Config c;
  c.tiers.classes.resize(1);
  c.tiers.classes[0].name = "LITE";
  c.routes.resize(2);
  c.pools.resize(1);
  c.pools[0].name = "shared";
  const auto marks = marks_without_positions(c);
  ASSERT_EQ(marks.classes.size(), 1u);
  EXPECT_EQ(marks.classes[0].path, "tiers.classes.LITE");
  ASSERT_EQ(marks.routes.size(), 2u);
  EXPECT_EQ(marks.routes[1].path, "routes[1]");
  ASSERT_EQ(marks.pools.size(), 1u);
  EXPECT_EQ(marks.pools[0].path, "pools.shared");
  EXPECT_EQ(marks.pools[0].self.line, 0);
}

}  // namespace
}  // namespace smart_router::config
