#include "smart_router/tier/jwks.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "jwt_test_support.hpp"

namespace smart_router::tier {
namespace {

using tier_test::jwk_of;

ParsedJwks parse(const nlohmann::json& keys) {
  return parse_jwks(nlohmann::json{{"keys", keys}}.dump());
}

TEST(ParseJwks, RsaAndEcKeysByKid) {
  const auto p =
      parse({jwk_of(tier_test::rsa_key(), "r1", "RS256"), jwk_of(tier_test::ec_key(), "e1")});
  ASSERT_EQ(p.set.keys.size(), 2u);
  EXPECT_TRUE(p.skipped.empty());
  const Jwk* r = p.set.find("r1", KeyKind::rsa);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->alg, "RS256");
  // The PEM is the same public key the provider holds the private half of.
  EXPECT_EQ(r->pem, tier_test::rsa_key().public_pem);
  const Jwk* e = p.set.find("e1", KeyKind::ec);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->pem, tier_test::ec_key().public_pem);
  EXPECT_EQ(p.set.find("r1", KeyKind::ec), nullptr);  // a kid names one key of one type
  EXPECT_EQ(p.set.find("nope", KeyKind::rsa), nullptr);
}

TEST(ParseJwks, TokenWithoutKidTakesTheOnlyKeyOfItsType) {
  auto p = parse({jwk_of(tier_test::rsa_key(), "r1"), jwk_of(tier_test::ec_key(), "e1")});
  EXPECT_NE(p.set.find("", KeyKind::rsa), nullptr);
  p = parse({jwk_of(tier_test::rsa_key(), "r1"), jwk_of(tier_test::rsa_key2(), "r2")});
  EXPECT_EQ(p.set.find("", KeyKind::rsa), nullptr);  // ambiguous
}

TEST(ParseJwks, UnusableKeysAreSkippedWithAReason) {
  auto enc = jwk_of(tier_test::rsa_key(), "enc");
  enc["use"] = "enc";
  auto oct = nlohmann::json{{"kty", "oct"}, {"kid", "hmac"}, {"k", "c2VjcmV0"}};
  auto bad_alg = jwk_of(tier_test::rsa_key(), "bad-alg", "ES256");
  auto bad_n = jwk_of(tier_test::rsa_key(), "bad-n");
  bad_n["n"] = "***";
  auto short_rsa = jwk_of(tier_test::pem_pair(EVP_RSA_gen(1024)), "short");
  auto off_curve = jwk_of(tier_test::ec_key(), "off-curve");
  off_curve["y"] = off_curve["x"];
  auto dup = jwk_of(tier_test::rsa_key2(), "good");
  const auto p = parse({enc, oct, bad_alg, bad_n, short_rsa, off_curve,
                        jwk_of(tier_test::rsa_key(), "good"), dup, 42});
  ASSERT_EQ(p.set.keys.size(), 1u);
  EXPECT_EQ(p.set.keys[0].kid, "good");
  EXPECT_EQ(p.set.keys[0].pem, tier_test::rsa_key().public_pem);  // the first "good" is kept
  ASSERT_EQ(p.skipped.size(), 8u);
  EXPECT_NE(p.skipped[0].find("kid enc"), std::string::npos);
  EXPECT_NE(p.skipped[1].find("unsupported kty \"oct\""), std::string::npos);
  EXPECT_NE(p.skipped[4].find("2048"), std::string::npos);
  EXPECT_NE(p.skipped[7].find("key 9"), std::string::npos);
}

TEST(ParseJwks, NotAJwksThrows) {
  EXPECT_THROW(parse_jwks("not json"), std::invalid_argument);
  EXPECT_THROW(parse_jwks("{\"keys\": {}}"), std::invalid_argument);
  EXPECT_THROW(parse_jwks("[]"), std::invalid_argument);
  EXPECT_EQ(parse_jwks("{\"keys\": []}").set.keys.size(), 0u);
}

TEST(Base64UrlDecode, DecodesAndRefuses) {
  EXPECT_EQ(base64url_decode("aGk"), "hi");
  EXPECT_EQ(base64url_decode("aGk="), "hi");
  EXPECT_EQ(base64url_decode("_-8"), std::string("\xff\xef", 2));
  EXPECT_FALSE(base64url_decode("a").has_value());
  EXPECT_FALSE(base64url_decode("a+b/").has_value());
}

}  // namespace
}  // namespace smart_router::tier
