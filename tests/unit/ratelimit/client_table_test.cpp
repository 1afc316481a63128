#include "smart_router/ratelimit/client_table.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace {

using smart_router::ratelimit::ClientLimiter;
using smart_router::ratelimit::ClientTable;
using smart_router::ratelimit::Nanos;
using smart_router::ratelimit::Rate;

constexpr Nanos kSec{1'000'000'000};
constexpr Nanos kStart = 1000 * kSec;

int take(ClientTable& t, const std::string& key, int n, const Rate& r, Nanos now) {
  int passed = 0;
  for (int i = 0; i < n; ++i) passed += t.check(key, 1, r, now).allowed ? 1 : 0;
  return passed;
}

TEST(ClientTable, EachKeyHasItsOwnBucket) {
  ClientTable t(100);
  const Rate r = Rate::of(1, 3);
  EXPECT_EQ(take(t, "alice", 5, r, kStart), 3);
  EXPECT_EQ(take(t, "bob", 5, r, kStart), 3);
  EXPECT_EQ(take(t, "alice", 1, r, kStart + kSec), 1);
  EXPECT_EQ(t.size(), 2u);
}

TEST(ClientTable, RefundGivesTheKeyItsTokenBack) {
  ClientTable t(100);
  const Rate r = Rate::of(1, 1);
  ASSERT_EQ(take(t, "k", 2, r, kStart), 1);
  t.refund("k", 1, r);
  EXPECT_EQ(take(t, "k", 2, r, kStart), 1);
  t.refund("unknown", 1, r);  // nothing to give back to; no entry made
  EXPECT_EQ(t.size(), 1u);
}

TEST(ClientTable, NeverHoldsMoreThanMaxKeys) {
  ClientTable t(8, 1);
  const Rate r = Rate::of(1, 10);
  for (int i = 0; i < 1000; ++i) t.check("key" + std::to_string(i), 1, r, kStart);
  EXPECT_LE(t.size(), 8u);
  EXPECT_GT(t.evicted(), 0u);
}

TEST(ClientTable, EvictsTheLeastRecentlyUsedKey) {
  ClientTable t(3, 1);
  const Rate r = Rate::of(1, 2);
  ASSERT_EQ(take(t, "a", 2, r, kStart), 2);  // a, b, c all empty now
  ASSERT_EQ(take(t, "b", 2, r, kStart), 2);
  ASSERT_EQ(take(t, "c", 2, r, kStart), 2);
  ASSERT_EQ(take(t, "a", 1, r, kStart), 0);  // a used again: b is now the oldest
  ASSERT_EQ(take(t, "d", 1, r, kStart), 1);  // makes room by evicting b
  EXPECT_EQ(take(t, "a", 1, r, kStart), 0) << "a kept its (empty) bucket";
  EXPECT_EQ(take(t, "c", 1, r, kStart), 0) << "c kept its (empty) bucket";
  EXPECT_EQ(take(t, "b", 1, r, kStart), 1) << "b was forgotten: a fresh, full bucket";
}

TEST(ClientTable, RefilledBucketsAreDroppedWithoutEviction) {
  ClientTable t(1000, 1);
  const Rate r = Rate::of(10, 1);  // full again 100 ms after a request
  for (int i = 0; i < 50; ++i) t.check("old" + std::to_string(i), 1, r, kStart);
  ASSERT_EQ(t.size(), 50u);
  // Each new key drops up to two refilled ones from the least-recent end.
  for (int i = 0; i < 25; ++i) t.check("new" + std::to_string(i), 1, r, kStart + kSec);
  EXPECT_EQ(t.size(), 25u);
  EXPECT_EQ(t.evicted(), 0u) << "full buckets carry nothing, dropping them is not eviction";
}

TEST(ClientTable, ARequestLargerThanTheBurstLeavesNoEntry) {
  ClientTable t(10, 1);
  EXPECT_FALSE(t.check("k", 5, Rate::of(1, 2), kStart).allowed);
  EXPECT_EQ(t.size(), 0u);
}

TEST(ClientTable, LoweringMaxKeysShrinksAsKeysArrive) {
  ClientTable t(100, 1);
  const Rate r = Rate::of(1, 5);
  for (int i = 0; i < 50; ++i) t.check("k" + std::to_string(i), 1, r, kStart);
  t.set_max_keys(10);
  t.check("one-more", 1, r, kStart);
  EXPECT_LE(t.size(), 10u);
}

TEST(ClientLimiter, PoliciesOnOneTableNeverShareABucket) {
  auto table = std::make_shared<ClientTable>(100);
  const Rate r = Rate::of(1, 1);
  ClientLimiter lite(table, r, 1);
  ClientLimiter pro(table, r, 2);
  EXPECT_TRUE(lite.check("203.0.113.9", 1, kStart).allowed);
  EXPECT_FALSE(lite.check("203.0.113.9", 1, kStart).allowed);
  EXPECT_TRUE(pro.check("203.0.113.9", 1, kStart).allowed);
  lite.refund("203.0.113.9", 1);
  EXPECT_TRUE(lite.check("203.0.113.9", 1, kStart).allowed);
  EXPECT_EQ(table->size(), 2u);
}

}  // namespace
