#include "smart_router/overload/retry_budget.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace {

using smart_router::overload::RetryBudget;
using smart_router::overload::RetryToken;

TEST(RetryBudget, AllowsTheLargerOfTheMinimumAndTheShare) {
  EXPECT_EQ(RetryBudget::allowed(20, 3, 0), 3);
  EXPECT_EQ(RetryBudget::allowed(20, 3, 10), 3);  // 20% of 10 = 2 < 3
  EXPECT_EQ(RetryBudget::allowed(20, 3, 100), 20);
  EXPECT_EQ(RetryBudget::allowed(20, 3, 104), 20);  // rounded down
  EXPECT_EQ(RetryBudget::allowed(100, 0, 7), 7);
  EXPECT_EQ(RetryBudget::allowed(0, 0, 1000), 0);  // no retries at all
  EXPECT_EQ(RetryBudget::allowed(20, 3, -5), 3);   // a count read mid-update
}

TEST(RetryBudget, DefaultsAreEnvoys) {
  RetryBudget b;  // 20%, at least 3
  EXPECT_TRUE(b.try_acquire(0));
  EXPECT_TRUE(b.try_acquire(0));
  EXPECT_TRUE(b.try_acquire(0));
  EXPECT_FALSE(b.try_acquire(0));
  EXPECT_FALSE(b.try_acquire(19));  // 20% of 19 is 3
  EXPECT_TRUE(b.try_acquire(20));   // 20% of 20 is 4
  EXPECT_EQ(b.in_flight(), 4);
}

TEST(RetryBudget, AReleasedRetryMakesRoom) {
  RetryBudget b;
  b.configure(50, 1);
  EXPECT_TRUE(b.try_acquire(2));
  EXPECT_FALSE(b.try_acquire(2));
  b.release();
  EXPECT_EQ(b.in_flight(), 0);
  EXPECT_TRUE(b.try_acquire(2));
}

TEST(RetryBudget, ReconfiguringKeepsTheRetriesInFlight) {
  RetryBudget b;
  b.configure(100, 5);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(b.try_acquire(0));
  b.configure(0, 2);  // a reload that tightens it: those in flight still count
  EXPECT_EQ(b.in_flight(), 5);
  EXPECT_FALSE(b.try_acquire(1000));
}

TEST(RetryToken, GivesItsRetryBackOnceWhenDestroyedOrMoved) {
  RetryBudget b;
  b.configure(0, 2);
  {
    ASSERT_TRUE(b.try_acquire(0));
    RetryToken t(b, 0);
    RetryToken moved(std::move(t));
    EXPECT_FALSE(static_cast<bool>(t));  // NOLINT(bugprone-use-after-move): the point
    EXPECT_TRUE(static_cast<bool>(moved));
    EXPECT_EQ(b.in_flight(), 1);
  }
  EXPECT_EQ(b.in_flight(), 0);
  ASSERT_TRUE(b.try_acquire(0));
  RetryToken t(b, 0);
  t.reset();
  t.reset();
  EXPECT_EQ(b.in_flight(), 0);
}

TEST(RetryBudget, NeverOverCommitsUnderConcurrency) {
  RetryBudget b;
  b.configure(0, 8);
  std::atomic<int> granted{0}, peak{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        if (!b.try_acquire(0)) continue;
        const int now = granted.fetch_add(1) + 1;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        granted.fetch_sub(1);
        b.release();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_LE(peak.load(), 8);
  EXPECT_EQ(b.in_flight(), 0);
}

}  // namespace
