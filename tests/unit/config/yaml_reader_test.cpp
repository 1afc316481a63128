#include "config/yaml_reader.hpp"

#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace smart_router::config::yaml {
namespace {

using test::HasError;

// Reads documents through a Reader, collecting errors and marks.
struct ReaderTest : ::testing::Test {
  const std::string file = "r.yaml";
  std::vector<ConfigError> errors;
  FieldMarks marks;
  Reader r{file, errors, marks};
  YAML::Node root;

  Field field(const std::string& yaml, const std::string& key) {
    root = YAML::Load(yaml);
    for (const auto& kv : root)
      if (kv.first.Scalar() == key) return Field{key, kv.first, kv.second};
    ADD_FAILURE() << "no key " << key;
    return {};
  }
};

TEST_F(ReaderTest, MarksAreOneBased) {
  const Field f = field("a: 1\nbb:   two\n", "bb");
  EXPECT_EQ(f.key_mark().line, 2);
  EXPECT_EQ(f.key_mark().column, 1);
  EXPECT_EQ(f.value_mark().line, 2);
  EXPECT_EQ(f.value_mark().column, 7);
  EXPECT_EQ(to_source_mark(YAML::Mark::null_mark()).line, 0);
}

TEST_F(ReaderTest, NullValuePointsAtItsKey) {
  const Field f = field("a:\nb: 2\n", "a");
  EXPECT_EQ(f.value_mark().line, 1);
  EXPECT_EQ(f.value_mark().column, 1);
}

TEST_F(ReaderTest, Describe) {
  EXPECT_EQ(describe(YAML::Load("{a: 1}")), "a mapping");
  EXPECT_EQ(describe(YAML::Load("[1]")), "a list");
  EXPECT_EQ(describe(YAML::Load("~")), "nothing (null)");
  EXPECT_EQ(describe(YAML::Load("ten")), "\"ten\"");
}

TEST_F(ReaderTest, UnsignedAcceptsDigitsOnly) {
  std::uint32_t v = 7;
  EXPECT_TRUE(r.read(field("n: 4294967295", "n"), v));
  EXPECT_EQ(v, 4294967295u);
  for (const char* bad : {"n: ten", "n: -1", "n: 1.5", "n: +3", "n: ''", "n: [1]", "n:"}) {
    v = 7;
    EXPECT_FALSE(r.read(field(bad, "n"), v)) << bad;
    EXPECT_EQ(v, 7u) << bad;
  }
  EXPECT_TRUE(HasError(errors, 1, 4, "n: expected an unsigned integer, got \"ten\""));
  EXPECT_TRUE(HasError(errors, 1, 4, "got a list"));
  EXPECT_TRUE(HasError(errors, 1, 1, "got nothing (null)"));
  EXPECT_TRUE(marks.failed.count("n"));
}

TEST_F(ReaderTest, UnsignedRange) {
  std::uint32_t small = 0;
  EXPECT_FALSE(r.read(field("n: 4294967296", "n"), small));
  EXPECT_TRUE(HasError(errors, 1, 4, "expected an unsigned integer up to 4294967295"));
  std::uint64_t big = 0;
  EXPECT_TRUE(r.read(field("n: 18446744073709551615", "n"), big));
  EXPECT_EQ(big, 18446744073709551615ull);
  EXPECT_FALSE(r.read(field("n: 18446744073709551616", "n"), big));
  EXPECT_TRUE(HasError(errors, 1, 4, "up to 18446744073709551615"));
}

TEST_F(ReaderTest, SignedAndBool) {
  int i = 0;
  EXPECT_TRUE(r.read(field("p: -3", "p"), i));
  EXPECT_EQ(i, -3);
  EXPECT_FALSE(r.read(field("p: high", "p"), i));
  EXPECT_TRUE(HasError(errors, 1, 4, "p: expected an integer, got \"high\""));
  bool b = true;
  EXPECT_TRUE(r.read(field("e: false", "e"), b));
  EXPECT_FALSE(b);
  EXPECT_TRUE(r.read(field("e: yes", "e"), b));
  EXPECT_TRUE(b);
  EXPECT_FALSE(r.read(field("e: maybe", "e"), b));
  EXPECT_TRUE(HasError(errors, 1, 4, "e: expected true or false, got \"maybe\""));
}

TEST_F(ReaderTest, StringRejectsCollections) {
  std::string s = "keep";
  EXPECT_TRUE(r.read(field("s: 123", "s"), s));
  EXPECT_EQ(s, "123");
  EXPECT_FALSE(r.read(field("s: {a: 1}", "s"), s));
  EXPECT_EQ(s, "123");
  EXPECT_TRUE(HasError(errors, 1, 4, "s: expected a string, got a mapping"));
}

TEST_F(ReaderTest, StringListAcceptsListOrLoneScalar) {
  std::vector<std::string> v;
  EXPECT_TRUE(r.read(field("l: [a, b]", "l"), v));
  EXPECT_EQ(v, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(r.read(field("l: GET", "l"), v));
  EXPECT_EQ(v, (std::vector<std::string>{"GET"}));
  EXPECT_TRUE(r.read(field("l: []", "l"), v));
  EXPECT_TRUE(v.empty());
  EXPECT_TRUE(r.read(field("l: [a, b]", "l"), v));
  EXPECT_EQ(marks.at["l[1]"].line, 1);  // items are noted; the list itself by its MapReader
  EXPECT_EQ(marks.at["l[1]"].column, 8);
}

TEST_F(ReaderTest, StringListReportsBadItemAtItsPlace) {
  std::vector<std::string> v = {"keep"};
  EXPECT_FALSE(r.read(field("l:\n  - a\n  - {b: 1}\n", "l"), v));
  EXPECT_EQ(v, std::vector<std::string>{"keep"});
  EXPECT_TRUE(HasError(errors, 3, 5, "l[1]: expected a string, got a mapping"));
  EXPECT_EQ(marks.at["l[0]"].line, 2);
  EXPECT_EQ(marks.at["l[0]"].column, 5);
}

TEST_F(ReaderTest, EnumWithSuggestion) {
  LogLevel level = LogLevel::info;
  EXPECT_FALSE(r.read_enum(field("level: warning", "level"), level,
                           [](std::string_view s) -> std::optional<LogLevel> {
                             if (s == "warn") return LogLevel::warn;
                             return std::nullopt;
                           },
                           {"warn", "error"}));
  EXPECT_EQ(level, LogLevel::info);
  EXPECT_TRUE(HasError(errors, 1, 8,
                       "level: unknown value \"warning\" (expected one of: warn, error; did you "
                       "mean \"warn\"?)"));
}

TEST_F(ReaderTest, MapReaderUnknownKeySuggestsAndPointsAtKey) {
  const Field f = field("pool:\n  endpoints: []\n  conect_timeout_ms: 5\n  zzz: 1\n", "pool");
  MapReader m(r, Field{"pools.shared", f.key, f.value}, {"endpoints", "connect_timeout_ms"});
  EXPECT_TRUE(m.ok());
  EXPECT_TRUE(m.has("endpoints"));
  EXPECT_FALSE(m.has("conect_timeout_ms"));
  EXPECT_TRUE(HasError(errors, 3, 3,
                       "unknown key \"conect_timeout_ms\" in pools.shared (did you mean "
                       "\"connect_timeout_ms\"?)"));
  EXPECT_TRUE(HasError(errors, 4, 3,
                       "unknown key \"zzz\" in pools.shared (expected one of: endpoints, "
                       "connect_timeout_ms)"));
  EXPECT_EQ(marks.at["pools.shared.endpoints"].line, 2);
  EXPECT_EQ(marks.at["pools.shared.endpoints"].column, 3);  // a list: its key
}

TEST_F(ReaderTest, MapReaderDuplicateKey) {
  const Field f = field("c:\n  timeout_ms: 1\n  timeout_ms: 2\n", "c");
  MapReader m(r, f, {"timeout_ms"});
  std::uint32_t v = 0;
  m.read("timeout_ms", v);
  EXPECT_EQ(v, 1u);
  EXPECT_TRUE(
      HasError(errors, 3, 3, "duplicate key \"timeout_ms\" in c (first at line 2, column 3)"));
}

TEST_F(ReaderTest, MapReaderNotAMappingAndNull) {
  MapReader bad(r, field("s: [1, 2]", "s"), {"a"});
  EXPECT_FALSE(bad.ok());
  EXPECT_TRUE(HasError(errors, 1, 4, "s: expected a mapping, got a list"));
  MapReader empty(r, field("s:\n", "s"), {"a"});
  EXPECT_TRUE(empty.ok());
  EXPECT_FALSE(empty.has("a"));
}

TEST_F(ReaderTest, MapReaderRequire) {
  MapReader m(r, field("LITE: {priority: 1}", "LITE"), {"pool", "priority"});
  EXPECT_FALSE(m.require("pool"));
  EXPECT_TRUE(m.require("priority"));
  EXPECT_TRUE(HasError(errors, 1, 1, "LITE: missing required key \"pool\""));
  EXPECT_TRUE(marks.has_failed("LITE.pool"));
}

TEST_F(ReaderTest, EntriesKeepOrderAndDuplicates) {
  auto e = r.entries(field("p:\n  b: {}\n  a: {}\n  b: {}\n", "p"));
  ASSERT_TRUE(e);
  ASSERT_EQ(e->size(), 3u);
  EXPECT_EQ((*e)[0].path, "p.b");
  EXPECT_EQ((*e)[1].path, "p.a");
  EXPECT_EQ((*e)[2].key_mark().line, 4);
  EXPECT_FALSE(r.entries(field("p: [a]", "p")));
  EXPECT_TRUE(HasError(errors, 1, 4, "p: expected a mapping of name to settings, got a list"));
}

}  // namespace
}  // namespace smart_router::config::yaml
