#include "smart_router/config/env_overrides.hpp"

#include <gtest/gtest.h>

#include "config_test_support.hpp"
#include "smart_router/config/yaml_loader.hpp"

namespace smart_router::config {
namespace {

using test::env_of;

Config two_pools() {
  Config c;
  c.pools.resize(2);
  c.pools[0].name = "shared";
  c.pools[0].endpoints = {"127.0.0.1:9001"};
  c.pools[1].name = "premium";
  c.pools[1].endpoints = {"127.0.0.1:9101"};
  return c;
}

TEST(EnvOverridesTest, NothingSetChangesNothing) {
  Config c = two_pools();
  const std::map<std::string, std::string> vars;
  EXPECT_TRUE(apply_env_overrides(c, nullptr, env_of(vars)).empty());
  EXPECT_TRUE(apply_env_overrides(c, nullptr, EnvLookup{}).empty());
  EXPECT_TRUE(c.tiers.routing_enabled);
  EXPECT_EQ(c.pools[0].endpoints, std::vector<std::string>{"127.0.0.1:9001"});
}

Config with_fleet_limit() {
  Config c = two_pools();
  c.rate_limits.classes.push_back({"LITE", std::nullopt, std::nullopt, RateLimit{10, 0}});
  return c;
}

TEST(EnvOverridesTest, RedisUrlReplacesTheFilesAndIsChecked) {
  Config c = with_fleet_limit();
  c.rate_limits.redis.url = "redis://from-file:6379";
  const std::map<std::string, std::string> good{{"REDIS_URL", "rediss://:pw@cache:6380/1"}};
  EXPECT_TRUE(apply_env_overrides(c, nullptr, env_of(good)).empty());
  EXPECT_EQ(c.rate_limits.redis.url, "rediss://:pw@cache:6380/1");
  EXPECT_TRUE(c.rate_limits.redis.url_from_env);

  // Without a fleet limit REDIS_URL is someone else's: not read, never an error.
  Config other = two_pools();
  const std::map<std::string, std::string> bad{{"REDIS_URL", "http://:secret@cache"}};
  EXPECT_TRUE(apply_env_overrides(other, nullptr, env_of(bad)).empty());
  EXPECT_TRUE(other.rate_limits.redis.url.empty());

  Config d = with_fleet_limit();
  const auto errors = apply_env_overrides(d, nullptr, env_of(bad));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "REDIS_URL");
  EXPECT_NE(errors[0].message.find("invalid Redis URL"), std::string::npos);
  EXPECT_EQ(errors[0].message.find("secret"), std::string::npos);  // never in a log
  EXPECT_TRUE(d.rate_limits.redis.url.empty());
}

TEST(EnvOverridesTest, TierRoutingEnabledValues) {
  for (const char* off : {"false", "FALSE", "0", "no", "No", " false "}) {
    Config c = two_pools();
    const std::map<std::string, std::string> vars = {{"TIER_ROUTING_ENABLED", off}};
    EXPECT_TRUE(apply_env_overrides(c, nullptr, env_of(vars)).empty()) << off;
    EXPECT_FALSE(c.tiers.routing_enabled) << off;
  }
  for (const char* on : {"true", "True", "1", "yes", "YES"}) {
    Config c = two_pools();
    c.tiers.routing_enabled = false;
    const std::map<std::string, std::string> vars = {{"TIER_ROUTING_ENABLED", on}};
    EXPECT_TRUE(apply_env_overrides(c, nullptr, env_of(vars)).empty()) << on;
    EXPECT_TRUE(c.tiers.routing_enabled) << on;
  }
}

TEST(EnvOverridesTest, TierRoutingEnabledBadValue) {
  Config c = two_pools();
  const std::map<std::string, std::string> vars = {{"TIER_ROUTING_ENABLED", "off-ish"}};
  const auto errors = apply_env_overrides(c, nullptr, env_of(vars));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "TIER_ROUTING_ENABLED");
  EXPECT_EQ(errors[0].line, 0);
  EXPECT_EQ(errors[0].to_string(),
            "TIER_ROUTING_ENABLED: expected true or false (also 1/0, yes/no), got \"off-ish\"");
  EXPECT_TRUE(c.tiers.routing_enabled);
}

TEST(EnvOverridesTest, EndpointListsReplacePools) {
  Config c = two_pools();
  const std::map<std::string, std::string> vars = {
      {"SHARED_ENDPOINT", "shared-0.svc:8080, shared-1.svc:8080"},
      {"PREMIUM_ENDPOINT", "[fd00::1]:9000"}};
  const auto errors = apply_env_overrides(c, nullptr, env_of(vars));
  EXPECT_TRUE(errors.empty()) << test::dump(errors);
  EXPECT_EQ(c.pools[0].endpoints,
            (std::vector<std::string>{"shared-0.svc:8080", "shared-1.svc:8080"}));
  EXPECT_EQ(c.pools[1].endpoints, std::vector<std::string>{"[fd00::1]:9000"});
}

TEST(EnvOverridesTest, EmptyVariableIsIgnored) {
  Config c = two_pools();
  const std::map<std::string, std::string> vars = {{"SHARED_ENDPOINT", " "},
                                                   {"TIER_ROUTING_ENABLED", ""}};
  EXPECT_TRUE(apply_env_overrides(c, nullptr, env_of(vars)).empty());
  EXPECT_EQ(c.pools[0].endpoints, std::vector<std::string>{"127.0.0.1:9001"});
}

TEST(EnvOverridesTest, BadEndpointsAreReportedAndNothingIsReplaced) {
  Config c = two_pools();
  const std::map<std::string, std::string> vars = {{"SHARED_ENDPOINT", "good:1,,bad,other:99999"}};
  const auto errors = apply_env_overrides(c, nullptr, env_of(vars));
  ASSERT_EQ(errors.size(), 3u) << test::dump(errors);
  EXPECT_EQ(errors[0].to_string(),
            "SHARED_ENDPOINT: entry 2 is empty (expected host:port[,host:port...])");
  EXPECT_EQ(errors[1].to_string(), "SHARED_ENDPOINT: invalid endpoint \"bad\": missing \":PORT\"");
  EXPECT_EQ(errors[2].to_string(),
            "SHARED_ENDPOINT: invalid endpoint \"other:99999\": port \"99999\" is not a number "
            "in 1..65535");
  EXPECT_EQ(c.pools[0].endpoints, std::vector<std::string>{"127.0.0.1:9001"});
}

TEST(EnvOverridesTest, MissingPoolIsAnErrorNamingTheVariable) {
  Config c;
  c.pools.resize(1);
  c.pools[0].name = "main";
  const std::map<std::string, std::string> vars = {{"PREMIUM_ENDPOINT", "p:1"}};
  const auto errors = apply_env_overrides(c, nullptr, env_of(vars));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "PREMIUM_ENDPOINT");
  EXPECT_EQ(errors[0].line, 0);
  EXPECT_EQ(errors[0].to_string(),
            "PREMIUM_ENDPOINT: no pool named \"premium\" in the config (pools: main)");
}

TEST(EnvOverridesTest, ReplacedEndpointsLoseTheirFileMarks) {
  ParsedConfig p = parse_config_yaml(
      "pools:\n"
      "  shared: {endpoints: [\"a:1\", \"b:2\"], connect_timeout_ms: 5}\n",
      "f.yaml");
  ASSERT_TRUE(p.errors.empty()) << test::dump(p.errors);
  const FieldMarks& m = p.marks.pools[0];
  ASSERT_TRUE(m.at.count("pools.shared.endpoints[1]"));
  const std::map<std::string, std::string> vars = {{"SHARED_ENDPOINT", "c:3"}};
  EXPECT_TRUE(apply_env_overrides(p.config, &p.marks, env_of(vars)).empty());
  EXPECT_EQ(p.config.pools[0].endpoints, std::vector<std::string>{"c:3"});
  EXPECT_FALSE(m.at.count("pools.shared.endpoints[1]"));
  EXPECT_FALSE(m.at.count("pools.shared.endpoints"));
  EXPECT_TRUE(m.at.count("pools.shared.connect_timeout_ms"));
}

}  // namespace
}  // namespace smart_router::config
