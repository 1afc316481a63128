#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace smart_router::config {
namespace {

using test::HasError;
using test::kPools;

TEST(ValidateTiersTest, ClassPoolMustExist) {
  const auto errors = test::validate_yaml(
      "tiers:\n"                     // 1
      "  classes:\n"                 // 2
      "    LITE: {pool: shared}\n"   // 3
      "    PRO: {pool: premum}\n" +  // 4: value col 17
      std::string(kPools));
  EXPECT_TRUE(HasError(errors, 4, 17,
                       "tiers.classes.PRO.pool: unknown pool \"premum\" (known: shared, "
                       "premium)"));
  // The default routes need ELITE..VOID for premium-paths.
  EXPECT_TRUE(HasError(errors, 0, 0, "routes[0].match.tiers[0]: unknown class \"ELITE\""));
}

TEST(ValidateTiersTest, PerTryTimeoutAndHedgeDelaysMustBeBelowTheTimeout) {
  const auto errors = test::validate_yaml(
      "tiers:\n"                                                              // 1
      "  classes:\n"                                                          // 2
      "    LITE: {pool: shared, timeout_ms: 100, per_try_timeout_ms: 100}\n"  // 3: col 63
      "    PRO: {pool: shared, timeout_ms: 100, per_try_timeout_ms: 99}\n"    // 4: fine
      "    ELITE: {pool: premium, timeout_ms: 50, hedge: {delay_ms: 50}}\n"   // 5: col 62
      "    VOID: {pool: premium, hedge: {min_delay_ms: 0, max_hedges: 4}}\n"  // 6: col 49, 64
      "routes: [{name: r, tier_pool: true}]\n" +
      std::string(kPools));
  EXPECT_TRUE(HasError(errors, 3, 63,
                       "tiers.classes.LITE.per_try_timeout_ms: must be below timeout_ms (100) to "
                       "leave time for a retry (0 turns it off), got 100"));
  EXPECT_TRUE(HasError(errors, 5, 62,
                       "tiers.classes.ELITE.hedge.delay_ms: must be below timeout_ms (50) (0 = "
                       "auto), got 50"));
  EXPECT_TRUE(
      HasError(errors, 6, 49, "tiers.classes.VOID.hedge.min_delay_ms: must be greater than 0"));
  EXPECT_TRUE(HasError(errors, 6, 64,
                       "tiers.classes.VOID.hedge.max_hedges: must be between 1 and 3, got 4"));
  EXPECT_EQ(errors.size(), 4u) << test::dump(errors);
}

TEST(ValidateTiersTest, DuplicateClassesAreCaseInsensitive) {
  const auto errors = test::validate_yaml(
      "tiers:\n"                    // 1
      "  classes:\n"                // 2
      "    LITE: {pool: shared}\n"  // 3
      "    lite: {pool: shared}\n"  // 4: key col 5
      "    Lite: {pool: shared}\n"  // 5: key col 5
      "routes: [{name: r, tier_pool: true}]\n" +
      std::string(kPools));
  EXPECT_TRUE(HasError(errors, 4, 5,
                       "tiers.classes.lite: duplicate class \"LITE\" (class names are "
                       "case-insensitive; first defined at line 3, column 5)"));
  EXPECT_TRUE(HasError(errors, 5, 5, "tiers.classes.Lite: duplicate class \"LITE\""));
  EXPECT_EQ(errors.size(), 2u) << test::dump(errors);
}

TEST(ValidateTiersTest, KnownClassListHasNoRepeats) {
  const auto errors = test::validate_yaml(
      "tiers:\n"                    // 1
      "  default: GOLD\n"           // 2: col 12
      "  classes:\n"                // 3
      "    LITE: {pool: shared}\n"  // 4
      "    lite: {pool: shared}\n"  // 5
      "    PRO: {pool: shared}\n"   // 6
      "routes: [{name: r, tier_pool: true}]\n" +
      std::string(kPools));
  EXPECT_TRUE(HasError(errors, 2, 12, "tiers.default: unknown class \"GOLD\" (known: LITE, PRO)"));
}

TEST(ValidateTiersTest, ClassRangesAndNames) {
  const auto errors = test::validate_yaml(
      "tiers:\n"                                                           // 1
      "  default: GOLD\n"                                                  // 2
      "  classes:\n"                                                       // 3
      "    GOLD: {pool: shared, shed_at_percent: 0}\n"                     // 4: col 43
      "    SILVER: {pool: shared, shed_at_percent: 101, timeout_ms: 0,\n"  // 5: 45, 62
      "             latency_budget_ms: 0}\n"                               // 6: col 33
      "    \"bad name\": {pool: shared}\n"                                 // 7: key col 5
      "routes: [{name: r, tier_pool: true}]\n" +
      std::string(kPools));
  EXPECT_TRUE(HasError(errors, 4, 43,
                       "tiers.classes.GOLD.shed_at_percent: must be between 1 and 100, got 0"));
  EXPECT_TRUE(HasError(errors, 5, 45,
                       "tiers.classes.SILVER.shed_at_percent: must be between 1 and 100, got "
                       "101"));
  EXPECT_TRUE(HasError(errors, 5, 62, "tiers.classes.SILVER.timeout_ms: must be greater than 0"));
  EXPECT_TRUE(
      HasError(errors, 6, 33, "tiers.classes.SILVER.latency_budget_ms: must be greater than 0"));
  EXPECT_TRUE(HasError(errors, 7, 5,
                       "tiers.classes.bad name: class names may only contain letters, digits"));
  EXPECT_EQ(errors.size(), 5u) << test::dump(errors);
}

TEST(ValidateTiersTest, DefaultMustNameAClass) {
  const auto errors = test::validate_yaml(
      "tiers:\n"             // 1
      "  default: Gold\n" +  // 2: value col 12
      std::string(kPools));
  EXPECT_TRUE(HasError(errors, 2, 12,
                       "tiers.default: unknown class \"GOLD\" (known: LITE, PRO, ELITE, BLACK, "
                       "OBSIDIAN, VOID)"));
  EXPECT_EQ(errors.size(), 1u) << test::dump(errors);
}

TEST(ValidateTiersTest, NoClasses) {
  const auto errors = test::validate_yaml(
      "tiers:\n"         // 1
      "  classes: {}\n"  // 2: key col 3
      "routes: [{name: r, tier_pool: true}]\n" +
      std::string(kPools));
  EXPECT_TRUE(HasError(errors, 2, 3, "tiers.classes: at least one class is required"));
  EXPECT_EQ(errors.size(), 1u) << test::dump(errors);  // no "unknown class" noise
}

TEST(ValidateTiersTest, HeaderNamesMustBeTokens) {
  const auto errors = test::validate_yaml(
      "tiers:\n"                          // 1
      "  header: \"X User Tier\"\n"       // 2: col 11
      "  trust:\n"                        // 3
      "    jwt: {header: \"Auth:\"}\n" +  // 4: col 19
      std::string(kPools));
  EXPECT_TRUE(HasError(errors, 2, 11, "tiers.header: invalid header name \"X User Tier\""));
  EXPECT_TRUE(HasError(errors, 4, 19, "tiers.trust.jwt.header: invalid header name \"Auth:\""));
}

TEST(ValidateTiersTest, Cidrs) {
  const auto errors = test::validate_yaml(
      "tiers:\n"                    // 1
      "  trust:\n"                  // 2
      "    mode: trusted_peers\n"   // 3
      "    trusted_cidrs:\n"        // 4
      "      - 10.0.0.0/8\n"        // 5
      "      - 10.0.0.0/33\n"       // 6: col 9
      "      - \"fd00::/8\"\n"      // 7
      "      - \"fd00::/129\"\n"    // 8: col 9
      "      - 192.168.1.1\n"       // 9: a single host
      "      - 999.1.1.1/8\n"       // 10: col 9
      "      - \"::1\"\n"           // 11: a single host
      "      - 10.1.2.3/8\n"        // 12: col 9
      "      - \"fd00::1/8\"\n"     // 13: col 9
      "      - \"fe80::1%eth0\"\n"  // 14: col 9
      "      - 10.0.0\n" +          // 15: col 9
      std::string(kPools));
  EXPECT_TRUE(HasError(errors, 6, 9,
                       "tiers.trust.trusted_cidrs[1]: invalid CIDR \"10.0.0.0/33\": not an IPv4 "
                       "address/prefix with prefix 0..32"));
  EXPECT_TRUE(HasError(errors, 8, 9,
                       "tiers.trust.trusted_cidrs[3]: invalid CIDR \"fd00::/129\": not an IPv6"));
  EXPECT_TRUE(
      HasError(errors, 10, 9, "tiers.trust.trusted_cidrs[5]: invalid CIDR \"999.1.1.1/8\""));
  EXPECT_TRUE(HasError(errors, 12, 9,
                       "tiers.trust.trusted_cidrs[7]: invalid CIDR \"10.1.2.3/8\": host bits are "
                       "set after the prefix (did you mean 10.0.0.0/8?)"));
  EXPECT_TRUE(HasError(errors, 13, 9,
                       "tiers.trust.trusted_cidrs[8]: invalid CIDR \"fd00::1/8\": host bits are "
                       "set after the prefix (did you mean fd00::/8?)"));
  EXPECT_TRUE(HasError(errors, 14, 9,
                       "tiers.trust.trusted_cidrs[9]: invalid CIDR \"fe80::1%eth0\": "
                       "scope ids (%...) are not allowed"));
  EXPECT_TRUE(HasError(errors, 15, 9,
                       "tiers.trust.trusted_cidrs[10]: invalid CIDR \"10.0.0\": not an IPv4 "
                       "address"));
  EXPECT_EQ(errors.size(), 7u) << test::dump(errors);
}

TEST(ValidateTiersTest, TrustedPeersNeedsCidrs) {
  const auto errors = test::validate_yaml(
      "tiers:\n"
      "  trust: {mode: trusted_peers}\n" +
      std::string(kPools));
  EXPECT_TRUE(test::HasErrorText(
      errors, "tiers.trust.trusted_cidrs: mode trusted_peers needs at least one CIDR"));
  EXPECT_EQ(errors.size(), 1u) << test::dump(errors);
}

TEST(ValidateTiersTest, JwtAlgorithmsAndKeys) {
  const auto errors = test::validate_yaml(
      "tiers:\n"                                          // 1
      "  trust:\n"                                        // 2
      "    mode: jwt\n"                                   // 3
      "    jwt:\n"                                        // 4
      "      algorithms: [HS256, rs384, none, HS1024]\n"  // 5: 34, 40
      "      hs256_secret_env: \"1BAD\"\n"                // 6: col 25
      "      public_key_file: /nonexistent/pub.pem\n"     // 7: col 24
      "      claim: \"\"\n" +                             // 8: col 14
      std::string(kPools));
  EXPECT_TRUE(HasError(errors, 5, 34,
                       "tiers.trust.jwt.algorithms[2]: \"none\" (unsigned tokens) is not allowed"));
  EXPECT_TRUE(HasError(errors, 5, 40,
                       "tiers.trust.jwt.algorithms[3]: unsupported algorithm \"HS1024\" "
                       "(supported: HS256, RS256, ES256 and their 384/512 variants)"));
  EXPECT_TRUE(HasError(errors, 6, 25,
                       "tiers.trust.jwt.hs256_secret_env: HS* needs the name of the environment "
                       "variable holding the secret, got \"1BAD\""));
  EXPECT_TRUE(HasError(errors, 7, 24,
                       "tiers.trust.jwt.public_key_file: cannot read \"/nonexistent/pub.pem\": No "
                       "such file or directory"));
  EXPECT_TRUE(HasError(errors, 8, 14, "tiers.trust.jwt.claim: must not be empty"));
  EXPECT_EQ(errors.size(), 5u) << test::dump(errors);
}

TEST(ValidateTiersTest, JwtRs256NeedsKeyFile) {
  const auto errors = test::validate_yaml(
      "tiers:\n"
      "  trust: {mode: jwt, jwt: {algorithms: [RS256]}}\n" +
      std::string(kPools));
  EXPECT_TRUE(test::HasErrorText(
      errors, "tiers.trust.jwt.public_key_file: RS*/ES* need a PEM public key file"));
  EXPECT_EQ(errors.size(), 1u) << test::dump(errors);
}

TEST(ValidateTiersTest, JwtRsaAndEcNeedTwoKeys) {
  test::TempFile key("PEM");
  const auto errors = test::validate_yaml(
      "tiers:\n"                            // 1
      "  trust:\n"                          // 2
      "    mode: jwt\n"                     // 3
      "    jwt:\n"                          // 4
      "      algorithms: [RS256, ES512]\n"  // 5: key col 7
      "      public_key_file: " +
      key.path() + "\n" + std::string(kPools));
  EXPECT_TRUE(HasError(errors, 5, 7,
                       "tiers.trust.jwt.algorithms: RS* and ES* need different keys, but there "
                       "is one public_key_file"));
  EXPECT_EQ(errors.size(), 1u) << test::dump(errors);
}

TEST(ValidateTiersTest, JwksUrlServesRsaAndEc) {
  test::TempFile ca("PEM");
  const auto errors = test::validate_yaml(
      "tiers:\n"
      "  trust:\n"
      "    mode: jwt\n"
      "    jwt:\n"
      "      algorithms: [RS256, ES256]\n"
      "      jwks_url: https://idp.example.com/.well-known/jwks.json\n"
      "      jwks_refresh_s: 600\n"
      "      jwks_min_refresh_s: 10\n"
      "      jwks_ca_file: " +
      ca.path() + "\n" + std::string(kPools));
  EXPECT_TRUE(errors.empty()) << test::dump(errors);
}

TEST(ValidateTiersTest, JwksSettingsAreChecked) {
  test::TempFile key("PEM");
  const auto errors = test::validate_yaml(
      "tiers:\n"                                       // 1
      "  trust:\n"                                     // 2
      "    mode: jwt\n"                                // 3
      "    jwt:\n"                                     // 4
      "      algorithms: [HS256]\n"                    // 5: key col 7
      "      jwks_url: http://idp.example.com/jwks\n"  // 6: value col 17
      "      jwks_refresh_s: 0\n"                      // 7: value col 23
      "      jwks_min_refresh_s: 3601\n"               // 8: value col 27
      "      jwks_ca_file: /nonexistent/ca.pem\n"      // 9: value col 21
      "      public_key_file: " +                      // 10: value col 24
      key.path() +
      "\n" + std::string(kPools));
  EXPECT_TRUE(HasError(errors, 6, 17,
                       "tiers.trust.jwt.jwks_url: invalid URL \"http://idp.example.com/jwks\": "
                       "must start with https://"));
  EXPECT_TRUE(HasError(errors, 5, 7, "jwks_url needs RS* or ES* algorithms listed"));
  EXPECT_TRUE(HasError(errors, 7, 23, "tiers.trust.jwt.jwks_refresh_s"));
  EXPECT_TRUE(HasError(errors, 8, 27, "tiers.trust.jwt.jwks_min_refresh_s"));
  EXPECT_TRUE(HasError(errors, 9, 21, "tiers.trust.jwt.jwks_ca_file: cannot read"));
  EXPECT_TRUE(HasError(errors, 10, 24, "set either public_key_file or jwks_url, not both"));
}

TEST(ValidateTiersTest, JwtSettingsIgnoredOutsideJwtModeExceptSpelling) {
  const auto ok = test::validate_yaml(
      "tiers:\n"
      "  trust: {mode: header, jwt: {algorithms: [RS256]}}\n" +
      std::string(kPools));
  EXPECT_TRUE(ok.empty()) << test::dump(ok);
  const auto bad = test::validate_yaml(
      "tiers:\n"
      "  trust: {mode: header, jwt: {algorithms: [RS265]}}\n" +
      std::string(kPools));
  EXPECT_TRUE(test::HasErrorText(bad, "unsupported algorithm \"RS265\""));
}

}  // namespace
}  // namespace smart_router::config
