#include <gtest/gtest.h>

#include "config_test_support.hpp"
#include "smart_router/config/yaml_loader.hpp"

namespace smart_router::config {
namespace {

using test::HasError;

TEST(YamlTiersTest, ReadsEveryKeyAndNormalisesClassNames) {
  const auto p = parse_config_yaml(
      "tiers:\n"                                        // 1
      "  header: X-Plan\n"                              // 2
      "  default: free\n"                               // 3
      "  on_unknown: reject\n"                          // 4
      "  routing_enabled: false\n"                      // 5
      "  trust:\n"                                      // 6
      "    mode: jwt\n"                                 // 7
      "    trusted_cidrs: [10.0.0.0/8, \"::1/128\"]\n"  // 8
      "    jwt: {header: X-Token, claim: plan, algorithms: [RS256, ES256],\n"
      "          hs256_secret_env: S, public_key_file: /k.pem, issuer: i, audience: a}\n"
      "    on_untrusted: reject\n"  // 11
      "  classes:\n"                // 12
      "    free: {pool: shared}\n"  // 13
      "    Gold: {pool: premium, priority: -1, latency_budget_ms: 20, timeout_ms: 200,\n"
      "           shed_at_percent: 90}\n",  // 15
      "f.yaml");
  ASSERT_TRUE(p.errors.empty()) << test::dump(p.errors);
  const Tiers& t = p.config.tiers;
  EXPECT_EQ(t.header, "X-Plan");
  EXPECT_EQ(t.default_tier, "FREE");
  EXPECT_EQ(t.on_unknown, FallbackPolicy::reject);
  EXPECT_FALSE(t.routing_enabled);
  EXPECT_EQ(t.trust.mode, TrustMode::jwt);
  EXPECT_EQ(t.trust.trusted_cidrs, (std::vector<std::string>{"10.0.0.0/8", "::1/128"}));
  EXPECT_EQ(t.trust.jwt.header, "X-Token");
  EXPECT_EQ(t.trust.jwt.claim, "plan");
  EXPECT_EQ(t.trust.jwt.algorithms, (std::vector<std::string>{"RS256", "ES256"}));
  EXPECT_EQ(t.trust.jwt.hs256_secret_env, "S");
  EXPECT_EQ(t.trust.jwt.public_key_file, "/k.pem");
  EXPECT_EQ(t.trust.jwt.issuer, "i");
  EXPECT_EQ(t.trust.jwt.audience, "a");
  EXPECT_EQ(t.trust.on_untrusted, FallbackPolicy::reject);

  ASSERT_EQ(t.classes.size(), 2u);
  EXPECT_EQ(t.classes[0].name, "FREE");
  EXPECT_EQ(t.classes[0].pool, "shared");
  EXPECT_EQ(t.classes[0].priority, 0);  // struct defaults
  EXPECT_EQ(t.classes[0].latency_budget_ms, 100u);
  EXPECT_EQ(t.classes[0].timeout_ms, 1000u);
  EXPECT_EQ(t.classes[0].shed_at_percent, 100u);
  EXPECT_EQ(t.classes[0].mark.line, 13);
  EXPECT_EQ(t.classes[0].mark.column, 5);
  EXPECT_EQ(t.classes[1].name, "GOLD");
  EXPECT_EQ(t.classes[1].priority, -1);
  EXPECT_EQ(t.classes[1].latency_budget_ms, 20u);
  EXPECT_EQ(t.classes[1].timeout_ms, 200u);
  EXPECT_EQ(t.classes[1].shed_at_percent, 90u);
  ASSERT_EQ(p.marks.classes.size(), 2u);
  EXPECT_EQ(p.marks.classes[1].path, "tiers.classes.Gold");
  EXPECT_FALSE(p.marks.classes[1].from_defaults);
  EXPECT_EQ(p.marks.classes[1].find("tiers.classes.Gold.timeout_ms").line, 14);
  EXPECT_EQ(p.marks.classes[1].find("tiers.classes.Gold.timeout_ms").column, 76);
}

TEST(YamlTiersTest, PerTryTimeoutAndHedge) {
  const auto p = parse_config_yaml(
      "tiers:\n"
      "  classes:\n"
      "    LITE: {pool: shared, per_try_timeout_ms: 150}\n"
      "    ELITE: {pool: premium, hedge: {delay_ms: 20, min_delay_ms: 2, max_hedges: 2}}\n"
      "    VOID: {pool: premium, hedge: {}}\n",
      "f.yaml");
  ASSERT_TRUE(p.errors.empty()) << test::dump(p.errors);
  const auto& c = p.config.tiers.classes;
  EXPECT_EQ(c[0].per_try_timeout_ms, 150u);
  EXPECT_FALSE(c[0].hedge.has_value());
  ASSERT_TRUE(c[1].hedge.has_value());
  EXPECT_EQ(c[1].per_try_timeout_ms, 0u);  // off
  EXPECT_EQ(c[1].hedge->delay_ms, 20u);
  EXPECT_EQ(c[1].hedge->min_delay_ms, 2u);
  EXPECT_EQ(c[1].hedge->max_hedges, 2u);
  ASSERT_TRUE(c[2].hedge.has_value());  // present and empty: auto delay, one hedge
  EXPECT_EQ(c[2].hedge->delay_ms, 0u);
  EXPECT_EQ(c[2].hedge->min_delay_ms, 5u);
  EXPECT_EQ(c[2].hedge->max_hedges, 1u);
}

TEST(YamlTiersTest, HedgeErrors) {
  const auto p = parse_config_yaml(
      "tiers:\n"
      "  classes:\n"
      "    ELITE: {pool: premium, hedge: {delay: 5}}\n"  // key col 36
      "    VOID: {pool: premium, hedge: 10}\n",          // value col 34
      "f.yaml");
  EXPECT_TRUE(HasError(p.errors, 3, 36, "unknown key \"delay\" in tiers.classes.ELITE.hedge"));
  EXPECT_TRUE(HasError(p.errors, 4, 34, "tiers.classes.VOID.hedge: expected a mapping"));
}

TEST(YamlTiersTest, ClassesAbsentGivesContractClasses) {
  const auto p = parse_config_yaml("tiers:\n  default: pro\n", "f.yaml");
  ASSERT_TRUE(p.errors.empty()) << test::dump(p.errors);
  EXPECT_EQ(p.config.tiers.default_tier, "PRO");
  ASSERT_EQ(p.config.tiers.classes.size(), 6u);
  EXPECT_EQ(p.config.tiers.classes[1].shed_at_percent, 85u);
}

TEST(YamlTiersTest, Errors) {
  const auto p = parse_config_yaml(
      "tiers:\n"                                  // 1
      "  on_unknown: drop\n"                      // 2: value col 15
      "  trust:\n"                                // 3
      "    mode: jwtt\n"                          // 4: value col 11
      "    trusted_cidrs: {a: 1}\n"               // 5: value col 20
      "    jwt: {algorithm: [HS256]}\n"           // 6: key col 11
      "  classes:\n"                              // 7
      "    LITE: {priority: 0}\n"                 // 8: key col 5 (no pool)
      "    PRO: {pool: shared, tiemout_ms: 5}\n"  // 9: key col 25
      "    ELITE: premium\n",                     // 10: value col 12
      "f.yaml");
  EXPECT_TRUE(HasError(p.errors, 2, 15,
                       "tiers.on_unknown: unknown value \"drop\" (expected one of: default, "
                       "reject)"));
  EXPECT_TRUE(HasError(p.errors, 4, 11,
                       "tiers.trust.mode: unknown value \"jwtt\" (expected one of: header, "
                       "trusted_peers, jwt; did you mean \"jwt\"?)"));
  EXPECT_TRUE(
      HasError(p.errors, 5, 20, "tiers.trust.trusted_cidrs: expected a list, got a mapping"));
  EXPECT_TRUE(HasError(p.errors, 6, 11,
                       "unknown key \"algorithm\" in tiers.trust.jwt (did you mean "
                       "\"algorithms\"?)"));
  EXPECT_TRUE(HasError(p.errors, 8, 5, "tiers.classes.LITE: missing required key \"pool\""));
  EXPECT_TRUE(HasError(p.errors, 9, 25,
                       "unknown key \"tiemout_ms\" in tiers.classes.PRO (did you mean "
                       "\"timeout_ms\"?)"));
  EXPECT_TRUE(
      HasError(p.errors, 10, 12, "tiers.classes.ELITE: expected a mapping, got \"premium\""));
  EXPECT_EQ(p.errors.size(), 7u) << test::dump(p.errors);
  EXPECT_EQ(p.config.tiers.classes.size(), 3u);
  EXPECT_TRUE(p.marks.classes[0].has_failed("tiers.classes.LITE.pool"));
}

}  // namespace
}  // namespace smart_router::config
