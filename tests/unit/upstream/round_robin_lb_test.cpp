#include <gtest/gtest.h>

#include <set>

#include "lb_test_support.hpp"
#include "smart_router/upstream/load_balancer.hpp"

namespace {

using lb_test::Candidates;
using lb_test::count_picks;
using smart_router::upstream::Endpoint;
using smart_router::upstream::make_round_robin;

TEST(RoundRobin, CyclesEvenly) {
  auto lb = make_round_robin();
  const Candidates c(3);
  const auto counts = count_picks(*lb, c, 300);
  ASSERT_EQ(counts.size(), 3u);
  for (auto* ep : c.ptrs) EXPECT_EQ(counts.at(ep), 100) << ep->address();
}

TEST(RoundRobin, EveryWindowOfNPicksCoversAllCandidates) {
  auto lb = make_round_robin();
  const Candidates c(4);
  for (int window = 0; window < 25; ++window) {
    std::set<Endpoint*> seen;
    for (int i = 0; i < 4; ++i) seen.insert(lb->pick(c.span()));
    EXPECT_EQ(seen.size(), 4u) << "window " << window;
  }
}

TEST(RoundRobin, SingleCandidate) {
  auto lb = make_round_robin();
  const Candidates c(1);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(lb->pick(c.span()), c.ptrs[0]);
}

TEST(RoundRobin, KeepsCyclingOverTheCandidatesWhenTheSetChanges) {
  // The pool passes only the routable endpoints, so the span shrinks (an ejection) and grows
  // back between picks: from the first pick after a change, every window of n picks covers the
  // n candidates once, none skipped and none picked twice.
  auto lb = make_round_robin();
  const Candidates c(5);
  for (const std::size_t n : {5U, 3U, 2U, 4U, 1U, 5U}) {
    const std::span<Endpoint* const> sub(c.ptrs.data(), n);
    const std::set<Endpoint*> members(sub.begin(), sub.end());
    for (int window = 0; window < 3; ++window) {
      std::set<Endpoint*> seen;
      for (std::size_t i = 0; i < n; ++i) {
        Endpoint* picked = lb->pick(sub);
        EXPECT_EQ(members.count(picked), 1U) << "n " << n << ": not a candidate";
        seen.insert(picked);
      }
      EXPECT_EQ(seen.size(), n) << "n " << n << " window " << window;
    }
  }
}

}  // namespace
