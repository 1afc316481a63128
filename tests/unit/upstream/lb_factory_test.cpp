#include <gtest/gtest.h>

#include <set>

#include "lb_test_support.hpp"
#include "smart_router/upstream/load_balancer.hpp"

namespace {

using lb_test::Candidates;
using lb_test::count_picks;
using smart_router::config::LoadBalancing;
using smart_router::upstream::lb_random;
using smart_router::upstream::make_load_balancer;

TEST(MakeLoadBalancer, RoundRobinIsExactlyEven) {
  auto lb = make_load_balancer(LoadBalancing::round_robin);
  ASSERT_NE(lb, nullptr);
  const Candidates c(3);
  const auto counts = count_picks(*lb, c, 30);
  ASSERT_EQ(counts.size(), 3u);
  for (auto* ep : c.ptrs) EXPECT_EQ(counts.at(ep), 10);
}

TEST(MakeLoadBalancer, LeastRequestFollowsLoad) {
  auto lb = make_load_balancer(LoadBalancing::least_request);
  ASSERT_NE(lb, nullptr);
  Candidates c(2);
  c[0].active_requests = 4;
  for (int i = 0; i < 200; ++i) ASSERT_EQ(lb->pick(c.span()), c.ptrs[1]);
}

TEST(MakeLoadBalancer, RandomIgnoresLoadAndCoversAll) {
  auto lb = make_load_balancer(LoadBalancing::random);
  ASSERT_NE(lb, nullptr);
  Candidates c(2);
  c[0].active_requests = 4;  // least_request would never pick it
  const auto counts = count_picks(*lb, c, 400);
  EXPECT_EQ(counts.size(), 2u);
}

TEST(LbRandom, Varies) {
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(lb_random());
  EXPECT_GT(seen.size(), 990u);
}

}  // namespace
