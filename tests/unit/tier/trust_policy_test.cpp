#include "smart_router/tier/trust_policy.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "jwt_test_support.hpp"

namespace {

using smart_router::config::Trust;
using smart_router::config::TrustMode;
using smart_router::tier::ClaimState;
using smart_router::tier::TierInputs;
using smart_router::tier::TrustPolicy;
using tier_test::env_with;
using tier_test::sign;

const std::string kSecret = "0123456789abcdef0123456789abcdef";

boost::asio::ip::address addr(const char* text) {
  return boost::asio::ip::make_address(text);
}

TierInputs inputs(std::optional<std::string_view> tier, const char* peer = "192.0.2.1",
                  std::optional<std::string_view> jwt = std::nullopt) {
  return TierInputs{tier, jwt, addr(peer)};
}

TrustPolicy policy(const Trust& t) {
  return TrustPolicy(t, "X-User-Tier", env_with({{"TIER_JWT_SECRET", kSecret}}));
}

Trust peers(std::vector<std::string> cidrs) {
  Trust t;
  t.mode = TrustMode::trusted_peers;
  t.trusted_cidrs = std::move(cidrs);
  return t;
}

Trust jwt_mode() {
  Trust t;
  t.mode = TrustMode::jwt;
  return t;
}

TEST(TrustPolicyHeader, HeaderIsHonouredAsSent) {
  const TrustPolicy p = policy(Trust{});
  const auto c = p.evaluate(inputs("elite"));
  EXPECT_EQ(c.state, ClaimState::honoured);
  EXPECT_EQ(c.name(), "elite");
}

TEST(TrustPolicyHeader, ValueIsTrimmed) {
  const TrustPolicy p = policy(Trust{});
  EXPECT_EQ(p.evaluate(inputs(" \tPRO \t")).name(), "PRO");
}

TEST(TrustPolicyHeader, AbsentOrBlankIsNoClaim) {
  const TrustPolicy p = policy(Trust{});
  EXPECT_EQ(p.evaluate(inputs(std::nullopt)).state, ClaimState::absent);
  EXPECT_EQ(p.evaluate(inputs("")).state, ClaimState::absent);
  EXPECT_EQ(p.evaluate(inputs("   ")).state, ClaimState::absent);
}

TEST(TrustPolicyHeader, BadCidrThrowsEvenWhenNotInUse) {
  Trust t;
  t.trusted_cidrs = {"10.0.0.0/33"};
  EXPECT_THROW(policy(t), std::invalid_argument);
}

TEST(TrustPolicyPeers, Ipv4PeerInsideAndOutside) {
  const TrustPolicy p = policy(peers({"10.0.0.0/8"}));
  EXPECT_EQ(p.evaluate(inputs("ELITE", "10.1.2.3")).state, ClaimState::honoured);
  const auto out = p.evaluate(inputs("ELITE", "192.168.1.1"));
  EXPECT_EQ(out.state, ClaimState::untrusted);
  EXPECT_EQ(out.name(), "ELITE");
}

TEST(TrustPolicyPeers, Ipv6PeerInsideAndOutside) {
  const TrustPolicy p = policy(peers({"fd00:1::/64"}));
  EXPECT_EQ(p.evaluate(inputs("ELITE", "fd00:1::42")).state, ClaimState::honoured);
  EXPECT_EQ(p.evaluate(inputs("ELITE", "fd00:2::42")).state, ClaimState::untrusted);
  EXPECT_EQ(p.evaluate(inputs("ELITE", "10.1.2.3")).state, ClaimState::untrusted);
}

TEST(TrustPolicyPeers, MappedPeerMatchesIpv4Cidr) {
  const TrustPolicy p = policy(peers({"10.0.0.0/8"}));
  EXPECT_EQ(p.evaluate(inputs("ELITE", "::ffff:10.9.8.7")).state, ClaimState::honoured);
  EXPECT_EQ(p.evaluate(inputs("ELITE", "::ffff:11.9.8.7")).state, ClaimState::untrusted);
}

TEST(TrustPolicyPeers, NoHeaderFromUntrustedPeerIsNoClaim) {
  const TrustPolicy p = policy(peers({"10.0.0.0/8"}));
  EXPECT_EQ(p.evaluate(inputs(std::nullopt, "192.168.1.1")).state, ClaimState::absent);
  EXPECT_EQ(p.evaluate(inputs("", "192.168.1.1")).state, ClaimState::absent);
}

TEST(TrustPolicyPeers, EmptyListTrustsNobody) {
  const TrustPolicy p = policy(peers({}));
  EXPECT_EQ(p.evaluate(inputs("ELITE", "127.0.0.1")).state, ClaimState::untrusted);
}

TEST(TrustPolicyJwt, ClaimComesFromTheToken) {
  const TrustPolicy p = policy(jwt_mode());
  const std::string auth = "Bearer " + sign("HS256", kSecret, {{"tier", "BLACK"}});
  // The tier header says something else: it is ignored when the token proves a claim.
  const auto c = p.evaluate(inputs("VOID", "192.0.2.1", auth));
  EXPECT_EQ(c.state, ClaimState::honoured);
  EXPECT_EQ(c.name(), "BLACK");
}

TEST(TrustPolicyJwt, TierHeaderAloneIsNeverTrusted) {
  const TrustPolicy p = policy(jwt_mode());
  const auto c = p.evaluate(inputs("ELITE"));
  EXPECT_EQ(c.state, ClaimState::untrusted);
  EXPECT_EQ(c.name(), "ELITE");
}

TEST(TrustPolicyJwt, NoTokenNoHeaderIsNoClaim) {
  const TrustPolicy p = policy(jwt_mode());
  EXPECT_EQ(p.evaluate(inputs(std::nullopt)).state, ClaimState::absent);
  EXPECT_EQ(p.evaluate(inputs(std::nullopt, "192.0.2.1", "")).state, ClaimState::absent);
}

TEST(TrustPolicyJwt, InvalidTokenIsUntrusted) {
  const TrustPolicy p = policy(jwt_mode());
  const std::string bad = sign("HS256", "wrong-secret-wrong-secret-wrong!", {{"tier", "VOID"}});
  const auto c = p.evaluate(inputs(std::nullopt, "192.0.2.1", bad));
  EXPECT_EQ(c.state, ClaimState::untrusted);
  EXPECT_TRUE(c.name().empty());  // nothing in an unverified token is read
  EXPECT_NE(c.reason, nullptr);
}

TEST(TrustPolicyJwt, ValidTokenWithoutClaim) {
  const TrustPolicy p = policy(jwt_mode());
  const std::string tok = sign("HS256", kSecret, {{"sub", "u1"}});
  EXPECT_EQ(p.evaluate(inputs(std::nullopt, "192.0.2.1", tok)).state, ClaimState::absent);
  // ... but a tier header next to it is an unproven claim.
  EXPECT_EQ(p.evaluate(inputs("ELITE", "192.0.2.1", tok)).state, ClaimState::untrusted);
}

TEST(TrustPolicyJwt, NonStringClaimIsMalformed) {
  const TrustPolicy p = policy(jwt_mode());
  const std::string tok = sign("HS256", kSecret, {{"tier", 2}});
  EXPECT_EQ(p.evaluate(inputs(std::nullopt, "192.0.2.1", tok)).state, ClaimState::malformed);
}

TEST(TrustPolicyJwt, TokenCarriedInTheTierHeaderItself) {
  Trust t = jwt_mode();
  t.jwt.header = "x-user-tier";
  const TrustPolicy p = policy(t);
  const std::string tok = sign("HS256", kSecret, {{"sub", "u1"}});
  // The classifier passes the same value as both headers: not a claim on its own.
  EXPECT_EQ(p.evaluate(inputs(tok, "192.0.2.1", tok)).state, ClaimState::absent);
  const std::string elite = sign("HS256", kSecret, {{"tier", "ELITE"}});
  EXPECT_EQ(p.evaluate(inputs(elite, "192.0.2.1", elite)).name(), "ELITE");
}

TEST(TrustPolicyJwt, MissingSecretThrows) {
  EXPECT_THROW(TrustPolicy(jwt_mode(), "X-User-Tier", env_with({})), std::invalid_argument);
}

TEST(TrustPolicyJwt, SecretIsOnlyNeededInJwtMode) {
  EXPECT_NO_THROW(TrustPolicy(Trust{}, "X-User-Tier", env_with({})));
  EXPECT_NO_THROW(TrustPolicy(peers({"10.0.0.0/8"}), "X-User-Tier", env_with({})));
}

}  // namespace
