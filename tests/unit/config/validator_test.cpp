#include "smart_router/config/validator.hpp"

#include <gtest/gtest.h>

#include "config_test_support.hpp"
#include "smart_router/config/defaults.hpp"

namespace smart_router::config {
namespace {

using test::HasError;

Config contract_config() {
  Config c;
  c.tiers.classes = default_tier_classes();
  c.routes = default_routes();
  c.pools.resize(2);
  c.pools[0].name = "shared";
  c.pools[0].endpoints = {"127.0.0.1:9001"};
  c.pools[1].name = "premium";
  c.pools[1].endpoints = {"127.0.0.1:9101"};
  return c;
}

TEST(ValidatorTest, ConfigBuiltInCodeIsValid) {
  const auto errors = validate_config(contract_config(), "code");
  EXPECT_TRUE(errors.empty()) << test::dump(errors);
}

TEST(ValidatorTest, ConfigBuiltInCodeReportsWithoutPosition) {
  Config c = contract_config();
  c.routes[0].pool = "nowhere";
  c.server.workers = 5000;
  const auto errors = validate_config(c, "code");
  EXPECT_TRUE(
      HasError(errors, 0, 0, "routes[0].pool: unknown pool \"nowhere\" (known: shared, premium)"));
  EXPECT_TRUE(HasError(errors, 0, 0,
                       "server.workers: must be between 0 and 1024 (0 = one per CPU core), got "
                       "5000"));
  EXPECT_EQ(errors.size(), 2u) << test::dump(errors);
  EXPECT_EQ(errors[0].path, "code");
}

TEST(ValidatorTest, MisalignedMarksAreIgnored) {
  Config c = contract_config();
  c.pools[1].endpoints = {"bad"};
  ConfigMarks marks;  // no entries at all
  const auto errors = validate_config(c, marks, "code");
  EXPECT_TRUE(HasError(errors, 0, 0, "pools.premium.endpoints[0]: invalid endpoint \"bad\""));
}

TEST(ValidatorTest, ErrorsOnDefaultsSayWhereTheyCameFrom) {
  // No tiers.classes and no routes: the defaults name pools shared and premium.
  const auto errors = test::validate_yaml(
      "tiers:\n"                            // 1
      "  header: X-User-Tier\n"             // 2
      "pools:\n"                            // 3
      "  main: {endpoints: [\"h:1\"]}\n");  // 4
  EXPECT_TRUE(HasError(errors, 1, 1,
                       "tiers.classes.LITE.pool: unknown pool \"shared\" (known: main) "
                       "(tiers.classes is absent, so the contract's default classes apply)"));
  EXPECT_TRUE(HasError(errors, 0, 0,
                       "routes[0].pool: unknown pool \"premium\" (known: main) (routes is "
                       "absent, so the contract's default routes apply)"));
  EXPECT_EQ(errors.size(), 7u) << test::dump(errors);  // 6 classes + 1 route
}

}  // namespace
}  // namespace smart_router::config
