#include <gtest/gtest.h>

#include "config_test_support.hpp"
#include "smart_router/config/yaml_loader.hpp"

namespace smart_router::config {
namespace {

using test::HasError;

TEST(YamlRoutesTest, ReadsMatchAndActions) {
  const auto p = parse_config_yaml(
      "routes:\n"                                                // 1
      "  - name: api\n"                                          // 2
      "    match:\n"                                             // 3
      "      path_prefix: [/api/]\n"                             // 4
      "      path_exact: [/api, /v1]\n"                          // 5
      "      path_regex: ['^/u/[0-9]+$']\n"                      // 6
      "      methods: [get, Post]\n"                             // 7
      "      headers: {X-Canary: [\"1\", yes], Accept: json}\n"  // 8
      "      tiers: [elite, Black]\n"                            // 9
      "    pool: premium\n"                                      // 10
      "  - name: deny\n"                                         // 11
      "    respond: {status: 451, error: legal}\n"               // 12
      "  - name: rest\n"                                         // 13
      "    tier_pool: true\n",                                   // 14
      "f.yaml");
  ASSERT_TRUE(p.errors.empty()) << test::dump(p.errors);
  const auto& r = p.config.routes;
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].name, "api");
  EXPECT_EQ(r[0].match.path_prefix, std::vector<std::string>{"/api/"});
  EXPECT_EQ(r[0].match.path_exact, (std::vector<std::string>{"/api", "/v1"}));
  EXPECT_EQ(r[0].match.path_regex, std::vector<std::string>{"^/u/[0-9]+$"});
  EXPECT_EQ(r[0].match.methods, (std::vector<std::string>{"GET", "POST"}));
  EXPECT_EQ(r[0].match.tiers, (std::vector<std::string>{"ELITE", "BLACK"}));
  ASSERT_EQ(r[0].match.headers.size(), 2u);
  EXPECT_EQ(r[0].match.headers.at("X-Canary"), (std::vector<std::string>{"1", "yes"}));
  EXPECT_EQ(r[0].match.headers.at("Accept"), std::vector<std::string>{"json"});
  EXPECT_EQ(r[0].action, RouteActionKind::pool);
  EXPECT_EQ(r[0].pool, "premium");
  EXPECT_EQ(r[0].mark.line, 2);
  EXPECT_EQ(r[0].mark.column, 5);

  EXPECT_EQ(r[1].action, RouteActionKind::respond);
  EXPECT_EQ(r[1].respond.status, 451u);
  EXPECT_EQ(r[1].respond.error, "legal");
  EXPECT_EQ(r[1].mark.line, 11);
  EXPECT_EQ(r[2].action, RouteActionKind::tier_pool);

  ASSERT_EQ(p.marks.routes.size(), 3u);
  EXPECT_EQ(p.marks.routes[0].path, "routes[0]");
  EXPECT_EQ(p.marks.routes[0].find("routes[0].match.tiers[1]").line, 9);
  EXPECT_EQ(p.marks.routes[0].find("routes[0].match.tiers[1]").column, 22);
  EXPECT_EQ(p.marks.routes[0].find("routes[0].pool").column, 11);
}

TEST(YamlRoutesTest, RespondDefaults) {
  const auto p = parse_config_yaml("routes:\n  - {name: d, respond: {}}\n", "f.yaml");
  ASSERT_TRUE(p.errors.empty()) << test::dump(p.errors);
  EXPECT_EQ(p.config.routes[0].respond.status, 403u);
  EXPECT_EQ(p.config.routes[0].respond.error, "forbidden");
}

TEST(YamlRoutesTest, ActionErrors) {
  const auto p = parse_config_yaml(
      "routes:\n"                               // 1
      "  - name: none\n"                        // 2: no action (route at col 5)
      "  - name: two\n"                         // 3
      "    pool: shared\n"                      // 4
      "    respond: {status: 403, error: x}\n"  // 5: second action key at col 5
      "  - name: off\n"                         // 6
      "    tier_pool: false\n"                  // 7: value at col 16
      "  - tier_pool: true\n",                  // 8: no name (route at col 5)
      "f.yaml");
  EXPECT_TRUE(HasError(p.errors, 2, 5,
                       "routes[0]: no action; set exactly one of pool: NAME, tier_pool: true, "
                       "respond: {status, error}"));
  EXPECT_TRUE(HasError(p.errors, 5, 5,
                       "routes[1]: more than one action (pool and respond); a route has exactly "
                       "one"));
  EXPECT_TRUE(HasError(p.errors, 7, 16, "routes[2].tier_pool: must be true"));
  EXPECT_TRUE(HasError(p.errors, 8, 5, "routes[3]: missing required key \"name\""));
  EXPECT_EQ(p.errors.size(), 4u) << test::dump(p.errors);
  // The first action wins for the struct; the route is still there for further checks.
  ASSERT_EQ(p.config.routes.size(), 4u);
  EXPECT_EQ(p.config.routes[1].action, RouteActionKind::pool);
}

TEST(YamlRoutesTest, ShapeErrors) {
  const auto p = parse_config_yaml(
      "routes:\n"                        // 1
      "  - name: a\n"                    // 2
      "    match: {path_prefx: [/a]}\n"  // 3: key at col 13
      "    tier_pool: true\n"            // 4
      "  - just-a-string\n"              // 5: item at col 5
      "  - name: b\n"                    // 6
      "    match: {headers: [X-A]}\n"    // 7: value at col 22
      "    pool: [shared]\n",            // 8: value at col 11
      "f.yaml");
  EXPECT_TRUE(HasError(p.errors, 3, 13,
                       "unknown key \"path_prefx\" in routes[0].match (did you mean "
                       "\"path_prefix\"?)"));
  EXPECT_TRUE(HasError(p.errors, 5, 5, "routes[1]: expected a mapping, got \"just-a-string\""));
  EXPECT_TRUE(HasError(p.errors, 7, 22,
                       "routes[2].match.headers: expected a mapping of name to settings, got a "
                       "list"));
  EXPECT_TRUE(HasError(p.errors, 8, 11, "routes[2].pool: expected a string, got a list"));
  EXPECT_EQ(p.errors.size(), 4u) << test::dump(p.errors);
  EXPECT_EQ(p.config.routes.size(), 2u);  // the non-mapping item is dropped
  EXPECT_EQ(p.marks.routes[1].path, "routes[2]");
  EXPECT_TRUE(p.marks.routes[1].has_failed("routes[2].pool"));
}

TEST(YamlRoutesTest, RoutesMustBeAList) {
  const auto p = parse_config_yaml("routes:\n  by-tier: {tier_pool: true}\n", "f.yaml");
  EXPECT_TRUE(HasError(p.errors, 2, 3, "routes: expected a list, got a mapping"));
  EXPECT_TRUE(p.marks.file.has_failed("routes"));
}

}  // namespace
}  // namespace smart_router::config
