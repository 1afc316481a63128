#include <gtest/gtest.h>

#include "lb_test_support.hpp"
#include "smart_router/upstream/load_balancer.hpp"

namespace {

using lb_test::Candidates;
using lb_test::count_picks;
using smart_router::upstream::ActiveRequestGuard;
using smart_router::upstream::make_least_request;

TEST(LeastRequest, OfTwoAlwaysPicksTheLessLoaded) {
  auto lb = make_least_request();
  Candidates c(2);
  c[0].active_requests = 5;
  c[1].active_requests = 1;
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(lb->pick(c.span()), c.ptrs[1]) << i;
  c[0].active_requests = 0;
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(lb->pick(c.span()), c.ptrs[0]) << i;
}

TEST(LeastRequest, OneRequestDifferenceIsEnough) {
  auto lb = make_least_request();
  Candidates c(2);
  ActiveRequestGuard busy(c[1]);
  for (int i = 0; i < 500; ++i) ASSERT_EQ(lb->pick(c.span()), c.ptrs[0]) << i;
}

TEST(LeastRequest, EqualLoadSpreadsOverBoth) {
  auto lb = make_least_request();
  const Candidates c(2);
  const auto counts = count_picks(*lb, c, 2000);
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_GT(counts.at(c.ptrs[0]), 700);
  EXPECT_GT(counts.at(c.ptrs[1]), 700);
}

TEST(LeastRequest, NeverPicksTheMostLoadedOfSeveral) {
  auto lb = make_least_request();
  Candidates c(4);
  c[0].active_requests = 3;
  c[1].active_requests = 0;
  c[2].active_requests = 9;  // the busiest loses every comparison
  c[3].active_requests = 6;
  const auto counts = count_picks(*lb, c, 4000);
  EXPECT_EQ(counts.count(c.ptrs[2]), 0u);
  // The idle one wins every comparison it is in, so it gets the most.
  ASSERT_EQ(counts.count(c.ptrs[1]), 1u);
  for (std::size_t i : {0u, 3u}) {
    if (counts.count(c.ptrs[i]) != 0) {
      EXPECT_GT(counts.at(c.ptrs[1]), counts.at(c.ptrs[i]));
    }
  }
  // It is one of the two drawn in half of the picks (1 - C(3,2)/C(4,2)): ~2000 of 4000.
  EXPECT_GT(counts.at(c.ptrs[1]), 1600);
}

TEST(LeastRequest, SingleCandidate) {
  auto lb = make_least_request();
  Candidates c(1);
  c[0].active_requests = 100;
  for (int i = 0; i < 10; ++i) EXPECT_EQ(lb->pick(c.span()), c.ptrs[0]);
}

}  // namespace
