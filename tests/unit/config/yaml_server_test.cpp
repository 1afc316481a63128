#include <gtest/gtest.h>

#include "config_test_support.hpp"
#include "smart_router/config/yaml_loader.hpp"

namespace smart_router::config {
namespace {

using test::HasError;

TEST(YamlServerTest, ReadsEveryKey) {
  const auto p = parse_config_yaml(
      "server:\n"
      "  listen: \"[::]:8443\"\n"
      "  workers: 4\n"
      "  tls: {cert_file: /c.pem, key_file: /k.pem}\n"
      "  limits:\n"
      "    max_header_bytes: 8192\n"
      "    max_body_bytes: 1048576\n"
      "    header_timeout_ms: 5000\n"
      "    idle_timeout_ms: 30000\n"
      "    max_connections: 100\n"
      "    max_header_count: 50\n"
      "  drain_timeout_ms: 15000\n"
      "  allowed_methods: [GET, post, PURGE]\n"
      "  via: edge-1\n"
      "admin: {listen: \"127.0.0.1:9901\"}\n"
      "overload: {max_in_flight: 128}\n"
      "logging: {level: debug, access_log: off}\n",
      "f.yaml");
  ASSERT_TRUE(p.errors.empty()) << test::dump(p.errors);
  const Config& c = p.config;
  EXPECT_EQ(c.server.listen, "[::]:8443");
  EXPECT_EQ(c.server.workers, 4u);
  ASSERT_TRUE(c.server.tls);
  EXPECT_EQ(c.server.tls->cert_file, "/c.pem");
  EXPECT_EQ(c.server.tls->key_file, "/k.pem");
  EXPECT_EQ(c.server.limits.max_header_bytes, 8192u);
  EXPECT_EQ(c.server.limits.max_body_bytes, 1048576u);
  EXPECT_EQ(c.server.limits.header_timeout_ms, 5000u);
  EXPECT_EQ(c.server.limits.idle_timeout_ms, 30000u);
  EXPECT_EQ(c.server.limits.max_connections, 100u);
  EXPECT_EQ(c.server.limits.max_header_count, 50u);
  EXPECT_EQ(c.server.drain_timeout_ms, 15000u);
  // Upper-cased, as the routes' methods.
  EXPECT_EQ(c.server.allowed_methods, (std::vector<std::string>{"GET", "POST", "PURGE"}));
  EXPECT_EQ(c.server.via, "edge-1");
  EXPECT_EQ(c.admin.listen, "127.0.0.1:9901");
  EXPECT_EQ(c.overload.max_in_flight, 128u);
  EXPECT_EQ(c.logging.level, LogLevel::debug);
  // A plain `off` is the string "off" (yaml-cpp has no YAML 1.1 booleans for strings).
  EXPECT_EQ(c.logging.access_log, "off");
  EXPECT_EQ(p.marks.file.find("server.limits.max_connections").line, 10);
  EXPECT_EQ(p.marks.file.find("server.limits.max_connections").column, 22);
}

TEST(YamlServerTest, ViaIsOffByDefault) {
  EXPECT_EQ(parse_config_yaml("server: {workers: 1}\n", "f.yaml").config.server.via, "");
  const auto named = parse_config_yaml("server: {via: smart-router}\n", "f.yaml");
  ASSERT_TRUE(named.errors.empty()) << test::dump(named.errors);
  EXPECT_EQ(named.config.server.via, "smart-router");
}

TEST(YamlServerTest, WrongTypesAndUnknownKeys) {
  const auto p = parse_config_yaml(
      "server:\n"                  // 1
      "  workers: many\n"          // 2: value at column 12
      "  limits:\n"                // 3
      "    max_body_bytes: ten\n"  // 4: value at column 21
      "    max_header_byte: 1\n"   // 5: key at column 5
      "  listen: [a, b]\n"         // 6
      "logging:\n"                 // 7
      "  level: verbose\n"         // 8: value at column 10
      "overload: 12\n",            // 9: value at column 11
      "f.yaml");
  EXPECT_TRUE(
      HasError(p.errors, 2, 12, "server.workers: expected an unsigned integer, got \"many\""));
  EXPECT_TRUE(HasError(p.errors, 4, 21,
                       "server.limits.max_body_bytes: expected an unsigned integer, got \"ten\""));
  EXPECT_TRUE(HasError(p.errors, 5, 5,
                       "unknown key \"max_header_byte\" in server.limits (did you mean "
                       "\"max_header_bytes\"?)"));
  EXPECT_TRUE(HasError(p.errors, 6, 11, "server.listen: expected a string, got a list"));
  EXPECT_TRUE(HasError(p.errors, 8, 10,
                       "logging.level: unknown value \"verbose\" (expected one of: trace, debug, "
                       "info, warn, error)"));
  EXPECT_TRUE(HasError(p.errors, 9, 11, "overload: expected a mapping, got \"12\""));
  EXPECT_EQ(p.errors.size(), 6u) << test::dump(p.errors);
  // Rejected values keep the defaults and are marked so the validator stays quiet.
  EXPECT_EQ(p.config.server.limits.max_body_bytes, 10485760u);
  EXPECT_TRUE(p.marks.file.has_failed("server.limits.max_body_bytes"));
}

TEST(YamlServerTest, TlsNeedsBothFiles) {
  const auto p = parse_config_yaml(
      "server:\n"
      "  tls:\n"
      "    cert_file: /c.pem\n",
      "f.yaml");
  EXPECT_TRUE(HasError(p.errors, 2, 3, "server.tls: missing required key \"key_file\""));
  EXPECT_EQ(p.errors.size(), 1u) << test::dump(p.errors);
}

}  // namespace
}  // namespace smart_router::config
