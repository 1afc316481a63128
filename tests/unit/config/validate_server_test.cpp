#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace smart_router::config {
namespace {

using test::HasError;
using test::kPools;

TEST(ValidateServerTest, ValidValuesPass) {
  test::TempFile cert("CERT"), key("KEY");
  const auto errors = test::validate_yaml(
      "server:\n"
      "  listen: \"[::]:8443\"\n"
      "  workers: 1024\n"
      "  tls: {cert_file: " +
      cert.path() + ", key_file: " + key.path() +
      "}\n"
      "  limits: {max_body_bytes: 0}\n"
      "admin: {listen: \"127.0.0.1:9901\"}\n" +
      std::string(kPools));
  EXPECT_TRUE(errors.empty()) << test::dump(errors);
}

TEST(ValidateServerTest, AddressesAndRanges) {
  const auto errors = test::validate_yaml(
      "server:\n"                        // 1
      "  listen: \"localhost:8080\"\n"   // 2: value col 11
      "  workers: 1025\n"                // 3: value col 12
      "  limits:\n"                      // 4
      "    header_timeout_ms: 0\n"       // 5: value col 24
      "    max_connections: 0\n"         // 6: value col 22
      "  drain_timeout_ms: 0\n"          // 7: value col 21
      "admin:\n"                         // 8
      "  listen: \"0.0.0.0:99999\"\n"    // 9: value col 11
      "overload: {max_in_flight: 0}\n"   // 10: value col 27
      "logging: {access_log: \"\"}\n" +  // 11: value col 23
      std::string(kPools));
  EXPECT_TRUE(HasError(errors, 2, 11,
                       "server.listen: invalid address \"localhost:8080\": host \"localhost\" is "
                       "not an IP address"));
  EXPECT_TRUE(HasError(errors, 3, 12, "server.workers: must be between 0 and 1024"));
  EXPECT_TRUE(HasError(errors, 5, 24, "server.limits.header_timeout_ms: must be greater than 0"));
  EXPECT_TRUE(HasError(errors, 6, 22, "server.limits.max_connections: must be greater than 0"));
  EXPECT_TRUE(HasError(errors, 7, 21, "server.drain_timeout_ms: must be greater than 0"));
  EXPECT_TRUE(HasError(errors, 9, 11,
                       "admin.listen: invalid address \"0.0.0.0:99999\": port \"99999\" is not a "
                       "number in 0..65535"));
  EXPECT_TRUE(HasError(errors, 10, 27, "overload.max_in_flight: must be greater than 0"));
  EXPECT_TRUE(HasError(errors, 11, 23, "logging.access_log: must be stdout, off or a file path"));
  EXPECT_EQ(errors.size(), 8u) << test::dump(errors);
}

TEST(ValidateServerTest, TrustedProxiesAreCidrs) {
  const auto errors = test::validate_yaml(
      "server:\n"                                                        // 1
      "  trusted_proxies: [10.0.0.0/8, \"fd00::/8\", 10.0.0.1/8, lb]\n"  // 2: cols 45, 57
      + std::string(kPools));
  EXPECT_TRUE(HasError(
      errors, 2, 45, "server.trusted_proxies[2]: invalid CIDR \"10.0.0.1/8\": host bits are set"));
  EXPECT_TRUE(HasError(errors, 2, 57, "server.trusted_proxies[3]: invalid CIDR \"lb\""));
  EXPECT_EQ(errors.size(), 2u) << test::dump(errors);
}

TEST(ValidateServerTest, AdminMustDifferFromServer) {
  const auto errors = test::validate_yaml(
      "server: {listen: \"0.0.0.0:8080\"}\n"
      "admin: {listen: \"0.0.0.0:8080\"}\n" +
      std::string(kPools));
  EXPECT_TRUE(HasError(errors, 2, 17, "admin.listen: same address as server.listen"));
}

TEST(ValidateServerTest, HeaderCountAndMethods) {
  const auto errors = test::validate_yaml(
      "server:\n"                                          // 1
      "  limits: {max_header_count: 0}\n"                  // 2: value col 30
      "  allowed_methods: [GET, \"BAD METHOD\", get]\n" +  // 3: items col 21, 26, 40
      std::string(kPools));
  EXPECT_TRUE(
      HasError(errors, 2, 30, "server.limits.max_header_count: must be between 1 and 10000"));
  EXPECT_TRUE(HasError(errors, 3, 26, "server.allowed_methods[1]: invalid method \"BAD METHOD\""));
  EXPECT_TRUE(HasError(errors, 3, 40, "server.allowed_methods[2]: duplicate method \"GET\""));
  EXPECT_EQ(errors.size(), 3u) << test::dump(errors);
}

TEST(ValidateServerTest, ViaIsOneToken) {
  const auto errors = test::validate_yaml(
      "server:\n"                    // 1
      "  via: \"smart router\"\n" +  // 2: value col 8
      std::string(kPools));
  EXPECT_TRUE(HasError(errors, 2, 8, "server.via: invalid pseudonym \"smart router\""));
  EXPECT_EQ(errors.size(), 1u) << test::dump(errors);
}

TEST(ValidateServerTest, TlsFilesMustBeReadable) {
  test::TempFile cert("CERT");
  const auto errors = test::validate_yaml(
      "server:\n"  // 1
      "  tls:\n"   // 2
      "    cert_file: " +
      cert.path() +
      "\n"  // 3
      "    key_file: /nonexistent/key.pem\n" +
      std::string(kPools));  // 4: value col 15
  EXPECT_TRUE(HasError(errors, 4, 15,
                       "server.tls.key_file: cannot read \"/nonexistent/key.pem\": No such file "
                       "or directory"));
  EXPECT_EQ(errors.size(), 1u) << test::dump(errors);
}

TEST(ValidateServerTest, TlsFilesMustNotBeEmpty) {
  const auto errors = test::validate_yaml(
      "server:\n"
      "  tls: {cert_file: \"\", key_file: \"\"}\n" +
      std::string(kPools));
  EXPECT_TRUE(HasError(errors, 2, 20, "server.tls.cert_file: must name a PEM file"));
  EXPECT_TRUE(HasError(errors, 2, 34, "server.tls.key_file: must name a PEM file"));
}

}  // namespace
}  // namespace smart_router::config
