#include "smart_router/tier/jwks_store.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace smart_router::tier {
namespace {

std::shared_ptr<const KeySet> set_with(const std::string& kid) {
  auto s = std::make_shared<KeySet>();
  s->keys.push_back(Jwk{kid, KeyKind::rsa, "", "pem"});
  return s;
}

TEST(JwksStore, NoKeysUntilPublished) {
  JwksStore store("https://idp/jwks");
  EXPECT_EQ(store.keys(), nullptr);
  EXPECT_FALSE(store.status().attempted);
  store.publish(set_with("a"));
  ASSERT_NE(store.keys(), nullptr);
  EXPECT_EQ(store.keys()->keys[0].kid, "a");
  EXPECT_TRUE(store.status().attempted);
  EXPECT_EQ(store.status().keys, 1u);
}

TEST(JwksStore, EveryThreadSeesANewSet) {
  JwksStore store("https://idp/jwks");
  store.publish(set_with("a"));
  std::string seen_before, seen_after;
  std::thread([&] { seen_before = store.keys()->keys[0].kid; }).join();
  store.publish(set_with("b"));
  EXPECT_EQ(store.keys()->keys[0].kid, "b");
  std::thread([&] { seen_after = store.keys()->keys[0].kid; }).join();
  EXPECT_EQ(seen_before, "a");
  EXPECT_EQ(seen_after, "b");
}

TEST(JwksStore, FailureKeepsTheKeysAndSaysWhy) {
  JwksStore store("https://idp/jwks");
  store.publish(set_with("a"));
  store.note_failure("HTTP 503");
  EXPECT_EQ(store.keys()->keys[0].kid, "a");
  EXPECT_EQ(store.status().keys, 1u);
  EXPECT_EQ(store.status().last_error, "HTTP 503");
}

TEST(JwksStore, RefreshRequestsAreRateLimited) {
  JwksStore store("https://idp/jwks");
  EXPECT_FALSE(store.take_refresh_request());
  store.want_refresh(1000, 30000);
  store.want_refresh(1001, 30000);
  EXPECT_TRUE(store.take_refresh_request());
  EXPECT_FALSE(store.take_refresh_request());  // taken once
  store.want_refresh(30999, 30000);
  EXPECT_FALSE(store.take_refresh_request());  // within the interval
  store.want_refresh(31000, 30000);
  EXPECT_TRUE(store.take_refresh_request());
}

TEST(JwksStores, OneStorePerUrl) {
  JwksStores stores;
  EXPECT_EQ(stores.get("https://a/jwks"), stores.get("https://a/jwks"));
  EXPECT_NE(stores.get("https://a/jwks"), stores.get("https://b/jwks"));
}

}  // namespace
}  // namespace smart_router::tier
