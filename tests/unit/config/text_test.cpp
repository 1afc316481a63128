#include "config/text.hpp"

#include <gtest/gtest.h>

namespace smart_router::config {
namespace {

TEST(TextTest, ToUpper) {
  EXPECT_EQ(to_upper("lite-Pro_1"), "LITE-PRO_1");
}

TEST(TextTest, Iequals) {
  EXPECT_TRUE(iequals("X-User-Tier", "x-user-tier"));
  EXPECT_FALSE(iequals("X-User-Tier", "x-user-tie"));
  EXPECT_FALSE(iequals("abc", "abd"));
}

TEST(TextTest, Trim) {
  EXPECT_EQ(trim("  a b \t\n"), "a b");
  EXPECT_EQ(trim("   "), "");
}

TEST(TextTest, QuoteEscapes) {
  EXPECT_EQ(quote("ten"), "\"ten\"");
  EXPECT_EQ(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
}

TEST(TextTest, Join) {
  EXPECT_EQ(join(std::vector<std::string>{"a", "b", "c"}), "a, b, c");
  EXPECT_EQ(join(std::vector<std::string>{}), "");
  EXPECT_EQ(join(std::vector<std::string_view>{"x", "y"}, "|"), "x|y");
}

TEST(TextTest, HttpToken) {
  EXPECT_TRUE(is_http_token("X-User-Tier"));
  EXPECT_TRUE(is_http_token("GET"));
  EXPECT_TRUE(is_http_token("x_a.b~c!"));
  EXPECT_FALSE(is_http_token(""));
  EXPECT_FALSE(is_http_token("X User"));
  EXPECT_FALSE(is_http_token("X:Tier"));
  EXPECT_FALSE(is_http_token("Tier(1)"));
}

}  // namespace
}  // namespace smart_router::config
