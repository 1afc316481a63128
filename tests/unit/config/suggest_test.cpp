#include "config/suggest.hpp"

#include <gtest/gtest.h>

namespace smart_router::config {
namespace {

TEST(EditDistanceTest, CountsEdits) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("", "ab"), 2u);
  EXPECT_EQ(edit_distance("pool", "pool"), 0u);
  EXPECT_EQ(edit_distance("pool", "pools"), 1u);  // insertion
  EXPECT_EQ(edit_distance("premum", "premium"), 1u);
  EXPECT_EQ(edit_distance("pool", "poll"), 1u);  // substitution
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(EditDistanceTest, AdjacentSwapCostsOne) {
  EXPECT_EQ(edit_distance("tiemout_ms", "timeout_ms"), 1u);
  EXPECT_EQ(edit_distance("ab", "ba"), 1u);
}

TEST(ClosestMatchTest, SuggestsNearbyCandidate) {
  const std::vector<std::string> keys = {"timeout_ms", "priority", "pool"};
  EXPECT_EQ(closest_match("tiemout_ms", keys), "timeout_ms");
  EXPECT_EQ(closest_match("prioirty", keys), "priority");
  EXPECT_EQ(closest_match("Pool", keys), "pool");  // case-insensitive
}

TEST(ClosestMatchTest, NothingWhenTooFar) {
  const std::vector<std::string> keys = {"timeout_ms", "priority", "pool"};
  EXPECT_EQ(closest_match("endpoints", keys), std::nullopt);
  EXPECT_EQ(closest_match("x", {"abc"}), std::nullopt);
  EXPECT_EQ(closest_match("anything", {}), std::nullopt);
}

TEST(ClosestMatchTest, PrefixCounts) {
  EXPECT_EQ(closest_match("warning", {"trace", "warn", "error"}), "warn");
  EXPECT_EQ(closest_match("least", {"round_robin", "least_request", "random"}), "least_request");
  EXPECT_EQ(closest_match("ra", {"random"}), std::nullopt);  // too short to mean anything
}

TEST(ClosestMatchTest, PrefersTheClosest) {
  EXPECT_EQ(closest_match("reset", {"rest", "reset"}), "reset");
  EXPECT_EQ(closest_match("headr", {"header", "headers"}), "header");
}

}  // namespace
}  // namespace smart_router::config
