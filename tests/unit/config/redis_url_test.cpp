#include "smart_router/config/redis_url.hpp"

#include <gtest/gtest.h>

namespace {

using smart_router::config::parse_redis_url;
using smart_router::config::redacted_redis_url;

TEST(RedisUrl, HostPortDatabaseAndTls) {
  std::string why;
  auto u = parse_redis_url("redis://cache.internal:6380/4", &why);
  ASSERT_TRUE(u) << why;
  EXPECT_EQ(u->endpoint.host, "cache.internal");
  EXPECT_EQ(u->endpoint.port, 6380);
  EXPECT_EQ(u->db, 4u);
  EXPECT_FALSE(u->tls);
  EXPECT_TRUE(u->password.empty());
  u = parse_redis_url("REDISS://[::1]", &why);
  ASSERT_TRUE(u) << why;
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->endpoint.host, "::1");
  EXPECT_EQ(u->endpoint.port, 6379);
  EXPECT_EQ(u->db, 0u);
}

TEST(RedisUrl, UserAndPasswordPercentDecoded) {
  std::string why;
  auto u = parse_redis_url("redis://router:p%40ss%3Aw@10.0.0.5:6379/0", &why);
  ASSERT_TRUE(u) << why;
  EXPECT_EQ(u->user, "router");
  EXPECT_EQ(u->password, "p@ss:w");
  u = parse_redis_url("redis://:secret@h", &why);
  ASSERT_TRUE(u) << why;
  EXPECT_EQ(u->user, "");
  EXPECT_EQ(u->password, "secret");
  u = parse_redis_url("redis://secret@h", &why);  // a password alone, as some tools write it
  ASSERT_TRUE(u) << why;
  EXPECT_EQ(u->password, "secret");
}

TEST(RedisUrl, AnUnescapedSlashInThePasswordNeverLeaks) {
  std::string why;
  auto u = parse_redis_url("redis://:ab/cd+ef==@cache:6379/2", &why);
  ASSERT_TRUE(u) << why;
  EXPECT_EQ(u->password, "ab/cd+ef==");
  EXPECT_EQ(u->endpoint.host, "cache");
  EXPECT_EQ(u->db, 2u);
  EXPECT_FALSE(parse_redis_url("redis://:pw9/Zq@cache/x", &why));
  EXPECT_EQ(why.find("pw9"), std::string::npos) << why;
  EXPECT_EQ(why.find("Zq"), std::string::npos) << why;
}

TEST(RedisUrl, RefusesWhatCannotBeUsed) {
  for (const char* bad :
       {"http://h:6379", "redis://", "redis://h:0", "redis://h:70000", "redis://h/x",
        "redis://h/99999", "redis://h?db=1", "redis://:%zz@h", "redis://h 1", "redis://h/1/2"}) {
    std::string why;
    EXPECT_FALSE(parse_redis_url(bad, &why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
}

TEST(RedisUrl, RedactsThePassword) {
  EXPECT_EQ(redacted_redis_url("redis://u:secret@h:1/2"), "redis://u:***@h:1/2");
  EXPECT_EQ(redacted_redis_url("rediss://secret@h"), "rediss://:***@h");
  EXPECT_EQ(redacted_redis_url("redis://h:1"), "redis://h:1");
  EXPECT_EQ(redacted_redis_url(""), "");
  EXPECT_EQ(redacted_redis_url("http://:sec/ret@h/1"), "http://:***@h/1");
  EXPECT_EQ(redacted_redis_url("secret@h"), ":***@h");
}

}  // namespace
