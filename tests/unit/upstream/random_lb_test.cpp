#include <gtest/gtest.h>

#include "lb_test_support.hpp"
#include "smart_router/upstream/load_balancer.hpp"

namespace {

using lb_test::Candidates;
using lb_test::count_picks;
using smart_router::upstream::make_random;

TEST(Random, CoversAllCandidatesRoughlyUniformly) {
  auto lb = make_random();
  const Candidates c(5);
  const auto counts = count_picks(*lb, c, 5000);
  ASSERT_EQ(counts.size(), 5u);
  // Expected 1000 each, standard deviation ~28: these bounds are > 10 sigma.
  for (auto* ep : c.ptrs) {
    EXPECT_GT(counts.at(ep), 700) << ep->address();
    EXPECT_LT(counts.at(ep), 1300) << ep->address();
  }
}

TEST(Random, IsNotASequence) {
  // Round robin over two would alternate strictly; random repeats itself sometimes.
  auto lb = make_random();
  const Candidates c(2);
  int repeats = 0;
  auto* prev = lb->pick(c.span());
  for (int i = 0; i < 200; ++i) {
    auto* cur = lb->pick(c.span());
    repeats += cur == prev ? 1 : 0;
    prev = cur;
  }
  EXPECT_GT(repeats, 20);
  EXPECT_LT(repeats, 180);
}

TEST(Random, SingleCandidate) {
  auto lb = make_random();
  const Candidates c(1);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(lb->pick(c.span()), c.ptrs[0]);
}

}  // namespace
