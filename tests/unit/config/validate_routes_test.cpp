#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace smart_router::config {
namespace {

using test::HasError;
using test::kPools;

TEST(ValidateRoutesTest, RoutePoolMustExist) {
  const auto errors = test::validate_yaml(
      "routes:\n"              // 1
      "  - name: a\n"          // 2
      "    tier_pool: true\n"  // 3
      "  - name: b\n"          // 4
      "    tier_pool: true\n"  // 5
      "  - name: c\n"          // 6
      "    pool: premum\n" +   // 7: value col 11
      std::string(kPools));
  EXPECT_TRUE(
      HasError(errors, 7, 11, "routes[2].pool: unknown pool \"premum\" (known: shared, premium)"));
  EXPECT_EQ(errors.size(), 1u) << test::dump(errors);
}

TEST(ValidateRoutesTest, DuplicateNames) {
  const auto errors = test::validate_yaml(
      "routes:\n"                         // 1
      "  - {name: a, tier_pool: true}\n"  // 2: route col 5
      "  - {name: b, tier_pool: true}\n"  // 3
      "  - {name: a, pool: shared}\n" +   // 4: name value col 12
      std::string(kPools));
  EXPECT_TRUE(HasError(errors, 4, 12,
                       "routes[2].name: duplicate route name \"a\" (first used by routes[0] at "
                       "line 2, column 5)"));
  EXPECT_EQ(errors.size(), 1u) << test::dump(errors);
}

TEST(ValidateRoutesTest, MatchChecks) {
  const auto errors = test::validate_yaml(
      "routes:\n"                                        // 1
      "  - name: m\n"                                    // 2
      "    match:\n"                                     // 3
      "      path_prefix: [/ok, api/]\n"                 // 4: col 26
      "      path_exact: [\"\"]\n"                       // 5: col 20
      "      path_regex: ['^/a(b', '^/ok$', '[z-a]']\n"  // 6: col 20, 38
      "      methods: [GET, \"PO ST\"]\n"                // 7: col 22
      "      tiers: [elite, gold]\n"                     // 8: col 22
      "      headers:\n"                                 // 9
      "        X-Ok: [a]\n"                              // 10
      "        \"Bad Name\": [a]\n"                      // 11: key col 9
      "        X-Empty: []\n"                            // 12: key col 9
      "        x-ok: [b]\n"                              // 13: key col 9
      "    tier_pool: true\n" +
      std::string(kPools));
  EXPECT_TRUE(
      HasError(errors, 4, 26, "routes[0].match.path_prefix[1]: must start with '/', got \"api/\""));
  EXPECT_TRUE(HasError(errors, 5, 20, "routes[0].match.path_exact[0]: must start with '/'"));
  EXPECT_TRUE(HasError(errors, 6, 20, "routes[0].match.path_regex[0]: invalid regex \"^/a(b\": "));
  EXPECT_TRUE(HasError(errors, 6, 38, "routes[0].match.path_regex[2]: invalid regex \"[z-a]\": "));
  EXPECT_TRUE(HasError(errors, 7, 22, "routes[0].match.methods[1]: invalid method \"PO ST\""));
  EXPECT_TRUE(HasError(errors, 8, 22,
                       "routes[0].match.tiers[1]: unknown class \"GOLD\" (known: LITE, PRO, "
                       "ELITE, BLACK, OBSIDIAN, VOID)"));
  EXPECT_TRUE(HasError(errors, 11, 9,
                       "routes[0].match.headers.Bad Name: invalid header name \"Bad Name\""));
  EXPECT_TRUE(HasError(errors, 12, 9,
                       "routes[0].match.headers.X-Empty: at least one accepted value is "
                       "required"));
  EXPECT_TRUE(
      HasError(errors, 13, 9, "routes[0].match.headers.x-ok: header \"X-Ok\" listed twice"));
  EXPECT_EQ(errors.size(), 9u) << test::dump(errors);
}

TEST(ValidateRoutesTest, RespondStatusAndError) {
  const auto errors = test::validate_yaml(
      "routes:\n"                                             // 1
      "  - {name: a, respond: {status: 99}}\n"                // 2: col 33
      "  - {name: b, respond: {status: 600, error: \"\"}}\n"  // 3: col 33, 45
      "  - {name: c, respond: {status: 599, error: x}}\n"     // 4: fine
      "  - {name: d, respond: {status: 100, error: x}}\n" +   // 5: fine
      std::string(kPools));
  EXPECT_TRUE(
      HasError(errors, 2, 33, "routes[0].respond.status: must be between 100 and 599, got 99"));
  EXPECT_TRUE(
      HasError(errors, 3, 33, "routes[1].respond.status: must be between 100 and 599, got 600"));
  EXPECT_TRUE(HasError(errors, 3, 45, "routes[1].respond.error: must name the error code"));
  EXPECT_EQ(errors.size(), 3u) << test::dump(errors);
}

TEST(ValidateRoutesTest, EmptyRoutesList) {
  const auto errors = test::validate_yaml("routes: []\n" + std::string(kPools));
  EXPECT_TRUE(HasError(errors, 1, 1,
                       "routes: at least one route is required (omit the key to use the "
                       "contract's default routes)"));
}

TEST(ValidateRoutesTest, NoFollowUpErrorsAfterReadErrors) {
  // The loader already reported these; the validator must not add "unknown pool" etc.
  const ParsedConfig p = parse_config_yaml(
      "routes:\n"
      "  - {name: a, pool: [x]}\n"
      "  - {tier_pool: true}\n"
      "  - {name: c}\n" +
          std::string(kPools),
      "v.yaml");
  EXPECT_EQ(p.errors.size(), 3u) << test::dump(p.errors);
  const auto errors = validate_config(p.config, p.marks, "v.yaml");
  EXPECT_TRUE(errors.empty()) << test::dump(errors);
}

}  // namespace
}  // namespace smart_router::config
