#include "smart_router/config/config_json.hpp"

#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace {

using smart_router::config::load_config_file;
using smart_router::config::to_json;
namespace test = smart_router::config::test;

// The shipped config in the file's shape, with the environment's overrides applied.
TEST(ConfigJson, IsTheEffectiveConfigInTheFilesShape) {
  const std::map<std::string, std::string> vars = {{"SHARED_ENDPOINT", "10.0.0.1:80,10.0.0.2:80"},
                                                   {"TIER_ROUTING_ENABLED", "false"}};
  const auto r =
      load_config_file(std::string(SR_SOURCE_DIR) + "/config/router.yaml", test::env_of(vars));
  ASSERT_TRUE(r.config) << test::dump(r.errors);
  const auto j = to_json(*r.config);
  for (const char* key :
       {"server", "admin", "tiers", "overload", "rate_limits", "routes", "pools", "logging"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["pools"]["shared"]["endpoints"].get<std::vector<std::string>>(),
            (std::vector<std::string>{"10.0.0.1:80", "10.0.0.2:80"}));
  EXPECT_EQ(j["tiers"]["routing_enabled"], false);
  EXPECT_EQ(j["tiers"]["trust"]["jwt"]["hs256_secret_env"], "TIER_JWT_SECRET");
  EXPECT_EQ(j["routes"].size(), r.config->routes.size());
  EXPECT_EQ(j["routes"][0]["name"].get<std::string>(), r.config->routes[0].name);
  EXPECT_EQ(j["tiers"]["classes"]["ELITE"]["pool"], "premium");
}

TEST(ConfigJson, NamesTheSecretsSourcesNeverTheirValues) {
  const std::map<std::string, std::string> vars = {{"TIER_JWT_SECRET", "very-secret-value"}};
  const auto r = load_config_file(std::string(SR_SOURCE_DIR) + "/config/examples/jwt.yaml",
                                  test::env_of(vars));
  ASSERT_TRUE(r.config) << test::dump(r.errors);
  const auto text = to_json(*r.config).dump();
  EXPECT_EQ(text.find("very-secret-value"), std::string::npos);
  EXPECT_NE(text.find(r.config->tiers.trust.jwt.hs256_secret_env), std::string::npos);
}

TEST(ConfigJson, RouteMatchHasOnlyTheKeysSet) {
  smart_router::config::RouteMatch m;
  EXPECT_TRUE(to_json(m).empty());
  m.path_prefix = {"/a/"};
  m.headers = {{"X-A", {"1"}}};
  const auto j = to_json(m);
  EXPECT_EQ(j.size(), 2U);
  EXPECT_EQ(j["headers"]["X-A"][0], "1");
}

}  // namespace
