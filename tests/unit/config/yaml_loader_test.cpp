#include "smart_router/config/yaml_loader.hpp"

#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace smart_router::config {
namespace {

using test::HasError;

TEST(YamlLoaderTest, SyntaxErrorIsOneErrorWithItsMark) {
  const auto p = parse_config_yaml(
      "server:\n"                    // 1
      "  listen: [\"0.0.0.0:80\"\n"  // 2: flow list never closed
      "pools: {}\n",                 // 3
      "f.yaml");
  EXPECT_FALSE(p.document_ok);
  ASSERT_EQ(p.errors.size(), 1u) << test::dump(p.errors);
  EXPECT_EQ(p.errors[0].path, "f.yaml");
  EXPECT_GT(p.errors[0].line, 1);
  EXPECT_GT(p.errors[0].column, 0);
  EXPECT_EQ(p.errors[0].message.rfind("invalid YAML: ", 0), 0u) << p.errors[0].message;
}

TEST(YamlLoaderTest, SyntaxErrorPositionIsOneBased) {
  // yaml-cpp reports "illegal map value" at 0-based 1:3 for this text.
  const auto p = parse_config_yaml("a: 1\n  b: 2\n", "f.yaml");
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_TRUE(HasError(p.errors, 2, 4, "invalid YAML: illegal map value"));
}

TEST(YamlLoaderTest, EmptyDocuments) {
  for (const char* text : {"", "\n\n", "# only a comment\n", "---\n", "~\n"}) {
    const auto p = parse_config_yaml(text, "f.yaml");
    EXPECT_FALSE(p.document_ok) << text;
    ASSERT_EQ(p.errors.size(), 1u) << text;
    EXPECT_EQ(p.errors[0].line, 1);  // the start of the file: PATH:1:1
    EXPECT_EQ(p.errors[0].message, "the config file is empty");
  }
}

TEST(YamlLoaderTest, TopLevelMustBeAMapping) {
  const auto p = parse_config_yaml("- server\n- pools\n", "f.yaml");
  EXPECT_FALSE(p.document_ok);
  EXPECT_TRUE(HasError(p.errors, 1, 1, "must be a mapping of sections"));
}

TEST(YamlLoaderTest, OnlyOneDocument) {
  const auto p = parse_config_yaml("pools: {}\n---\nserver: {}\n", "f.yaml");
  EXPECT_FALSE(p.document_ok);
  EXPECT_TRUE(HasError(p.errors, 3, 1, "expected one YAML document, found 2"));
}

// yaml-cpp 0.7 never consumes it: LoadAll alone would return empty documents until memory
// runs out (found by fuzz_config_loader).
TEST(YamlLoaderTest, StrayCommaIsAnErrorNotAHang) {
  const auto alone = parse_config_yaml(",", "f.yaml");
  EXPECT_FALSE(alone.document_ok);
  EXPECT_TRUE(HasError(alone.errors, 1, 1, "cannot parse past this point"));
  const auto after_a_list = parse_config_yaml("- a\n,\n", "f.yaml");
  EXPECT_FALSE(after_a_list.document_ok);
  EXPECT_TRUE(HasError(after_a_list.errors, 2, 1, "cannot parse past this point"));
}

TEST(YamlLoaderTest, UnknownTopLevelKeySuggests) {
  const auto p = parse_config_yaml(
      "pools: {}\n"  // 1
      "route: []\n"  // 2
      "extra: 1\n",  // 3
      "f.yaml");
  EXPECT_TRUE(p.document_ok);
  EXPECT_TRUE(
      HasError(p.errors, 2, 1, "unknown key \"route\" at top level (did you mean \"routes\"?)"));
  EXPECT_TRUE(
      HasError(p.errors, 3, 1, "unknown key \"extra\" at top level (expected one of: server"));
  EXPECT_EQ(p.errors.size(), 2u);
}

TEST(YamlLoaderTest, AbsentSectionsKeepDefaults) {
  const auto p = parse_config_yaml("pools:\n  shared: {endpoints: [\"h:1\"]}\n", "f.yaml");
  ASSERT_TRUE(p.document_ok);
  EXPECT_TRUE(p.errors.empty()) << test::dump(p.errors);
  const Config& c = p.config;
  EXPECT_EQ(c.server.listen, "0.0.0.0:8080");
  EXPECT_EQ(c.server.limits.max_body_bytes, 10485760u);
  EXPECT_FALSE(c.server.tls.has_value());
  EXPECT_EQ(c.admin.listen, "");
  EXPECT_EQ(c.tiers.header, "X-User-Tier");
  EXPECT_EQ(c.tiers.default_tier, "LITE");
  EXPECT_EQ(c.overload.max_in_flight, 4096u);
  EXPECT_EQ(c.logging.level, LogLevel::info);
  EXPECT_EQ(c.logging.access_log, "stdout");

  // Absent tiers (and so tiers.classes) and routes: the contract's.
  ASSERT_EQ(c.tiers.classes.size(), 6u);
  EXPECT_EQ(c.tiers.classes[5].name, "VOID");
  ASSERT_EQ(p.marks.classes.size(), 6u);
  EXPECT_TRUE(p.marks.classes[0].from_defaults);
  EXPECT_EQ(p.marks.classes[0].path, "tiers.classes.LITE");
  ASSERT_EQ(c.routes.size(), 3u);
  EXPECT_EQ(c.routes[1].name, "premium-paths-denied");
  ASSERT_EQ(p.marks.routes.size(), 3u);
  EXPECT_TRUE(p.marks.routes[2].from_defaults);
  EXPECT_EQ(p.marks.routes[2].path, "routes[2]");

  ASSERT_EQ(c.pools.size(), 1u);
  EXPECT_EQ(c.pools[0].name, "shared");
  EXPECT_EQ(c.pools[0].mark.line, 2);
  EXPECT_EQ(c.pools[0].mark.column, 3);
}

TEST(YamlLoaderTest, NullSectionsAreEmpty) {
  const auto p = parse_config_yaml(
      "server:\n"
      "admin:\n"
      "  # listen: 127.0.0.1:9000\n"
      "logging:\n"
      "pools:\n",
      "f.yaml");
  EXPECT_TRUE(p.document_ok);
  EXPECT_TRUE(p.errors.empty()) << test::dump(p.errors);
  EXPECT_TRUE(p.config.pools.empty());  // the validator reports it
}

}  // namespace
}  // namespace smart_router::config
