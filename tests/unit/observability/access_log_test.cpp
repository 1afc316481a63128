#include "smart_router/observability/access_log.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace {

using smart_router::observability::AccessLog;
using smart_router::observability::append_json_escaped;

std::string escaped(std::string_view s) {
  std::string out;
  append_json_escaped(out, s);
  return out;
}

TEST(AppendJsonEscaped, PlainTextIsUnchanged) {
  EXPECT_EQ(escaped("GET /api/v1/x?a=1&b=2 ~'{}"), "GET /api/v1/x?a=1&b=2 ~'{}");
  EXPECT_EQ(escaped(""), "");
}

TEST(AppendJsonEscaped, Appends) {
  std::string out = "{\"k\":\"";
  append_json_escaped(out, "v");
  EXPECT_EQ(out, "{\"k\":\"v");
}

TEST(AppendJsonEscaped, QuotesAndBackslashes) {
  EXPECT_EQ(escaped("a\"b"), "a\\\"b");
  EXPECT_EQ(escaped("a\\b"), "a\\\\b");
  EXPECT_EQ(escaped("\\\""), "\\\\\\\"");
}

TEST(AppendJsonEscaped, ControlCharacters) {
  // RFC 8259 7: U+0000..U+001F must be escaped; \uXXXX is always a valid form.
  EXPECT_EQ(escaped("\n"), "\\u000a");
  EXPECT_EQ(escaped("\r"), "\\u000d");
  EXPECT_EQ(escaped("\t"), "\\u0009");
  EXPECT_EQ(escaped(std::string_view("\0", 1)), "\\u0000");
  EXPECT_EQ(escaped("\x1f"), "\\u001f");
  EXPECT_EQ(escaped("\x1b[31m"), "\\u001b[31m");  // terminal escape in a log line
}

TEST(AppendJsonEscaped, DelAndHighBytes) {
  EXPECT_EQ(escaped("\x7f"), "\\u007f");
  EXPECT_EQ(escaped("\x80"), "\\u0080");
  EXPECT_EQ(escaped("\xff"), "\\u00ff");
  EXPECT_EQ(escaped("\xc3\xa9"), "\\u00c3\\u00a9");
}

TEST(AppendJsonEscaped, EveryByteGivesValidAsciiJson) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  const std::string out = escaped(all);
  for (unsigned char c : out) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << static_cast<int>(c);
  const auto j = nlohmann::json::parse("\"" + out + "\"", nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << out;
  ASSERT_TRUE(j.is_string());
  // The ASCII part comes back byte for byte.
  const std::string back = j.get<std::string>();
  EXPECT_EQ(back.substr(0, 0x7f), all.substr(0, 0x7f));
}

TEST(AppendJsonEscaped, InjectionAttemptStaysInsideTheString) {
  const std::string target = "/x\",\"status\":200,\"evil\":\"1";
  const std::string line = "{\"target\":\"" + escaped(target) + "\"}";
  const auto j = nlohmann::json::parse(line, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << line;
  EXPECT_EQ(j.size(), 1u);
  EXPECT_EQ(j.value("target", ""), target);
}

TEST(AccessLog, OffAndEmptyAreDisabled) {
  EXPECT_FALSE(AccessLog("off").enabled());
  EXPECT_FALSE(AccessLog("").enabled());
  AccessLog off("off");
  off.write({});  // a no-op, not a crash
}

}  // namespace
