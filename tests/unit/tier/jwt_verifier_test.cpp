#include "smart_router/tier/jwt_verifier.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "jwt_test_support.hpp"
#include "smart_router/tier/jwks_store.hpp"

namespace {

using smart_router::config::JwtTrust;
using smart_router::tier::JwtCheck;
using smart_router::tier::JwtStatus;
using smart_router::tier::JwtVerifier;
using tier_test::env_with;
using tier_test::raw_token;
using tier_test::sign;
using tier_test::TempFile;

const std::string kSecret = "0123456789abcdef0123456789abcdef";

JwtTrust hs256() {
  JwtTrust t;  // header Authorization, claim tier, [HS256], TIER_JWT_SECRET
  return t;
}

JwtVerifier make(const JwtTrust& t) {
  return JwtVerifier(t, env_with({{"TIER_JWT_SECRET", kSecret}}));
}

std::string reason(const JwtCheck& c) {
  return c.reason ? c.reason : "";
}

TEST(JwtVerifier, ValidHs256TokenGivesItsClaim) {
  const JwtVerifier v = make(hs256());
  const JwtCheck c = v.check(sign("HS256", kSecret, {{"tier", "ELITE"}}));
  EXPECT_EQ(c.status, JwtStatus::valid) << reason(c);
  EXPECT_EQ(c.claim, "ELITE");
}

TEST(JwtVerifier, BearerPrefixAnyCaseAndSpacing) {
  const JwtVerifier v = make(hs256());
  const std::string tok = sign("HS256", kSecret, {{"tier", "PRO"}});
  for (const std::string& value :
       {"Bearer " + tok, "bearer " + tok, "BEARER   " + tok + "  ", "  " + tok, "Bearer\t" + tok}) {
    const JwtCheck c = v.check(value);
    EXPECT_EQ(c.status, JwtStatus::valid) << value << " " << reason(c);
    EXPECT_EQ(c.claim, "PRO") << value;
  }
}

TEST(JwtVerifier, NoTokenOrOtherScheme) {
  const JwtVerifier v = make(hs256());
  EXPECT_EQ(v.check("").status, JwtStatus::no_token);
  EXPECT_EQ(v.check("   ").status, JwtStatus::no_token);
  EXPECT_EQ(v.check("Basic dXNlcjpwYXNz").status, JwtStatus::no_token);
}

TEST(JwtVerifier, WrongSecretIsInvalid) {
  const JwtVerifier v = make(hs256());
  const JwtCheck c =
      v.check(sign("HS256", "another-secret-another-secret-xx", {{"tier", "ELITE"}}));
  EXPECT_EQ(c.status, JwtStatus::invalid);
  EXPECT_EQ(reason(c), "bad signature");
  EXPECT_TRUE(c.claim.empty());
}

TEST(JwtVerifier, TamperedPayloadIsInvalid) {
  const JwtVerifier v = make(hs256());
  const std::string tok = sign("HS256", kSecret, {{"tier", "LITE"}});
  const std::size_t a = tok.find('.');
  const std::size_t b = tok.rfind('.');
  const std::string forged =
      tok.substr(0, a + 1) + tier_test::b64url(R"({"tier":"VOID"})") + tok.substr(b);
  EXPECT_EQ(v.check(forged).status, JwtStatus::invalid);
}

TEST(JwtVerifier, ExpiredIsInvalid) {
  const JwtVerifier v = make(hs256());
  const JwtCheck c = v.check(sign("HS256", kSecret, {{"tier", "ELITE"}}, -60));
  EXPECT_EQ(c.status, JwtStatus::invalid);
  EXPECT_EQ(reason(c), "token expired");
}

TEST(JwtVerifier, NotYetValidIsInvalid) {
  const JwtVerifier v = make(hs256());
  const auto nbf = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count() +
                   600;
  const JwtCheck c = v.check(sign("HS256", kSecret, {{"tier", "ELITE"}, {"nbf", nbf}}));
  EXPECT_EQ(c.status, JwtStatus::invalid);
}

TEST(JwtVerifier, IssuerChecked) {
  JwtTrust t = hs256();
  t.issuer = "https://auth.example";
  const JwtVerifier v = make(t);
  EXPECT_EQ(
      v.check(sign("HS256", kSecret, {{"tier", "ELITE"}, {"iss", "https://auth.example"}})).status,
      JwtStatus::valid);
  const JwtCheck wrong =
      v.check(sign("HS256", kSecret, {{"tier", "ELITE"}, {"iss", "https://evil.example"}}));
  EXPECT_EQ(wrong.status, JwtStatus::invalid);
  EXPECT_EQ(reason(wrong), "wrong issuer");
  EXPECT_EQ(v.check(sign("HS256", kSecret, {{"tier", "ELITE"}})).status, JwtStatus::invalid);
}

TEST(JwtVerifier, IssuerIgnoredWhenNotConfigured) {
  const JwtVerifier v = make(hs256());
  EXPECT_EQ(v.check(sign("HS256", kSecret, {{"tier", "ELITE"}, {"iss", "anyone"}})).status,
            JwtStatus::valid);
}

TEST(JwtVerifier, AudienceCheckedAsStringOrArray) {
  JwtTrust t = hs256();
  t.audience = "smart-router";
  const JwtVerifier v = make(t);
  EXPECT_EQ(v.check(sign("HS256", kSecret, {{"tier", "ELITE"}, {"aud", "smart-router"}})).status,
            JwtStatus::valid);
  EXPECT_EQ(
      v.check(sign("HS256", kSecret,
                   {{"tier", "ELITE"}, {"aud", nlohmann::json::array({"x", "smart-router"})}}))
          .status,
      JwtStatus::valid);
  const JwtCheck wrong = v.check(sign("HS256", kSecret, {{"tier", "ELITE"}, {"aud", "billing"}}));
  EXPECT_EQ(wrong.status, JwtStatus::invalid);
  EXPECT_EQ(reason(wrong), "wrong audience");
  EXPECT_EQ(v.check(sign("HS256", kSecret,
                         {{"tier", "ELITE"}, {"aud", nlohmann::json::array({"a", "b"})}}))
                .status,
            JwtStatus::invalid);
  EXPECT_EQ(v.check(sign("HS256", kSecret, {{"tier", "ELITE"}})).status, JwtStatus::invalid);
}

TEST(JwtVerifier, MissingClaimIsValidWithoutATier) {
  const JwtVerifier v = make(hs256());
  const JwtCheck c = v.check(sign("HS256", kSecret, {{"sub", "user-1"}}));
  EXPECT_EQ(c.status, JwtStatus::valid);
  EXPECT_TRUE(c.claim.empty());
}

TEST(JwtVerifier, ConfiguredClaimNameIsUsed) {
  JwtTrust t = hs256();
  t.claim = "plan";
  const JwtVerifier v = make(t);
  const JwtCheck c = v.check(sign("HS256", kSecret, {{"tier", "LITE"}, {"plan", "BLACK"}}));
  EXPECT_EQ(c.status, JwtStatus::valid);
  EXPECT_EQ(c.claim, "BLACK");
}

TEST(JwtVerifier, NonStringClaimIsInvalidClaim) {
  const JwtVerifier v = make(hs256());
  EXPECT_EQ(v.check(sign("HS256", kSecret, {{"tier", 3}})).status, JwtStatus::invalid_claim);
  EXPECT_EQ(v.check(sign("HS256", kSecret, {{"tier", nlohmann::json::array({"ELITE"})}})).status,
            JwtStatus::invalid_claim);
}

TEST(JwtVerifier, AlgNoneRefused) {
  const JwtVerifier v = make(hs256());
  // cpp-jwt's own unsigned token ("header.payload.") ...
  jwt::jwt_object obj{jwt::params::algorithm("none"), jwt::params::payload({{"tier", "VOID"}})};
  const JwtCheck c = v.check(obj.signature());
  EXPECT_EQ(c.status, JwtStatus::invalid);
  // ... and a hand-made one with some signature bytes, in any case spelling.
  for (const char* alg : {"none", "None", "NONE"}) {
    const std::string tok = raw_token(std::string(R"({"alg":")") + alg + R"(","typ":"JWT"})",
                                      R"({"tier":"VOID"})", "c2ln");
    EXPECT_EQ(v.check(tok).status, JwtStatus::invalid) << alg;
  }
}

TEST(JwtVerifier, AlgorithmNotListedRefused) {
  const JwtVerifier v = make(hs256());
  const JwtCheck c = v.check(sign("HS512", kSecret, {{"tier", "ELITE"}}));
  EXPECT_EQ(c.status, JwtStatus::invalid);
  EXPECT_EQ(v.check(sign("RS256", tier_test::rsa_key().private_pem, {{"tier", "ELITE"}})).status,
            JwtStatus::invalid);
}

TEST(JwtVerifier, MalformedTokensAreInvalidNotThrown) {
  const JwtVerifier v = make(hs256());
  for (const std::string& tok :
       {std::string("abc"), std::string("a.b"), std::string("a..c"), std::string("a.b.c.d"),
        std::string(".b.c"), std::string("a.b."), std::string("a.b.c"), std::string("a+b.c.d"),
        std::string("a.b.c="), raw_token("not json", "{}", "c2ln"),
        raw_token(R"({"alg":7})", R"({"tier":"VOID"})", "c2ln"),
        raw_token(R"({"alg":"HS256","typ":"XYZ"})", R"({"tier":"VOID"})", "c2ln"),
        raw_token(R"({"alg":"HS256"})", "[1,2", "c2ln")}) {
    JwtCheck c;
    EXPECT_NO_THROW(c = v.check(tok)) << tok;
    EXPECT_EQ(c.status, JwtStatus::invalid) << tok;
  }
}

TEST(JwtVerifier, OddTokensWithAGoodSignatureAreInvalidNotThrown) {
  // These pass the signature check and reach cpp-jwt's parser, which throws on some of them.
  const JwtVerifier v = make(hs256());
  using tier_test::hs256_raw;
  for (const auto& [header, payload] : std::vector<std::pair<std::string, std::string>>{
           {R"({"alg":7})", R"({"tier":"VOID"})"},
           {R"({"typ":"JWT"})", R"({"tier":"VOID"})"},
           {R"({"alg":"HS256","typ":"XYZ"})", R"({"tier":"VOID"})"},
           {R"({"alg":"HS256","typ":5})", R"({"tier":"VOID"})"},
           {R"({"alg":"HS256"})", "[1,2"},
           {R"({"alg":"HS256"})", "5"},
           {R"({"alg":"HS256"})", R"({"tier":"VOID","exp":-5})"},
           {R"({"alg":"HS256"})", R"({"tier":"VOID","exp":1.5})"},
           {"[]", R"({"tier":"VOID"})"}}) {
    JwtCheck c;
    EXPECT_NO_THROW(c = v.check(hs256_raw(header, payload, kSecret))) << header << payload;
    EXPECT_EQ(c.status, JwtStatus::invalid) << header << " " << payload;
  }
  // The hand-made path itself works: a plain one is accepted.
  const JwtCheck ok = v.check(hs256_raw(R"({"alg":"HS256"})", R"({"tier":"VOID"})", kSecret));
  EXPECT_EQ(ok.status, JwtStatus::valid) << reason(ok);
  EXPECT_EQ(ok.claim, "VOID");
}

TEST(JwtVerifier, MalformedTokensReachingThePublicKeyPathAreInvalid) {
  const TempFile key(tier_test::rsa_key().public_pem);
  JwtTrust t = hs256();
  t.algorithms = {"RS256"};
  t.public_key_file = key.path();
  const JwtVerifier v(t, env_with({}));
  for (const std::string& tok : {std::string("a.b.c"), raw_token("not json", "{}", "c2ln"),
                                 raw_token(R"({"alg":7})", R"({"tier":"VOID"})", "c2ln"),
                                 raw_token(R"({"alg":"RS256"})", "[1,2", "c2ln"),
                                 raw_token(R"({"alg":"RS256"})", R"({"tier":"VOID"})", "c2ln")}) {
    JwtCheck c;
    EXPECT_NO_THROW(c = v.check(tok)) << tok;
    EXPECT_EQ(c.status, JwtStatus::invalid) << tok;
  }
}

TEST(JwtVerifier, MalformedExpWithValidSignatureIsInvalid) {
  const JwtVerifier v = make(hs256());
  EXPECT_EQ(v.check(sign("HS256", kSecret, {{"tier", "ELITE"}, {"exp", "tomorrow"}}, 0)).status,
            JwtStatus::invalid);
}

TEST(JwtVerifier, TokenWithoutExpIsAccepted) {
  const JwtVerifier v = make(hs256());
  EXPECT_EQ(v.check(sign("HS256", kSecret, {{"tier", "ELITE"}}, 0)).status, JwtStatus::valid);
}

TEST(JwtVerifier, Rs256WithPublicKeyFile) {
  const TempFile key(tier_test::rsa_key().public_pem);
  JwtTrust t = hs256();
  t.algorithms = {"RS256"};
  t.public_key_file = key.path();
  const JwtVerifier v(t, env_with({}));  // no HS secret needed
  const JwtCheck c = v.check(sign("RS256", tier_test::rsa_key().private_pem, {{"tier", "BLACK"}}));
  EXPECT_EQ(c.status, JwtStatus::valid) << reason(c);
  EXPECT_EQ(c.claim, "BLACK");
  // Signed by another key.
  const auto other = tier_test::pem_pair(EVP_RSA_gen(2048));
  EXPECT_EQ(v.check(sign("RS256", other.private_pem, {{"tier", "BLACK"}})).status,
            JwtStatus::invalid);
}

TEST(JwtVerifier, Es256WithPublicKeyFile) {
  const TempFile key(tier_test::ec_key().public_pem);
  JwtTrust t = hs256();
  t.algorithms = {"ES256"};
  t.public_key_file = key.path();
  const JwtVerifier v(t, env_with({}));
  const JwtCheck c = v.check(sign("ES256", tier_test::ec_key().private_pem, {{"tier", "VOID"}}));
  EXPECT_EQ(c.status, JwtStatus::valid) << reason(c);
  EXPECT_EQ(c.claim, "VOID");
}

TEST(JwtVerifier, PublicKeyIsNeverUsedAsHmacSecret) {
  // HS256 and RS256 both allowed: an HS256 token "signed" with the public key must fail.
  const TempFile key(tier_test::rsa_key().public_pem);
  JwtTrust t = hs256();
  t.algorithms = {"HS256", "RS256"};
  t.public_key_file = key.path();
  const JwtVerifier v = make(t);
  EXPECT_EQ(v.check(sign("HS256", tier_test::rsa_key().public_pem, {{"tier", "VOID"}})).status,
            JwtStatus::invalid);
  EXPECT_EQ(v.check(sign("HS256", kSecret, {{"tier", "VOID"}})).status, JwtStatus::valid);
  EXPECT_EQ(v.check(sign("RS256", tier_test::rsa_key().private_pem, {{"tier", "VOID"}})).status,
            JwtStatus::valid);
}

TEST(JwtVerifier, ConstructorRejectsBadSettings) {
  const auto env = env_with({{"TIER_JWT_SECRET", kSecret}, {"EMPTY", ""}});
  JwtTrust t = hs256();

  t.algorithms = {};
  EXPECT_THROW(JwtVerifier(t, env), std::invalid_argument);
  t.algorithms = {"none"};
  try {
    JwtVerifier refused(t, env);
    ADD_FAILURE() << "alg none accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("not allowed"), std::string::npos) << e.what();
  }
  t.algorithms = {"HS256", "NONE"};
  EXPECT_THROW(JwtVerifier(t, env), std::invalid_argument);
  t.algorithms = {"PS256"};
  EXPECT_THROW(JwtVerifier(t, env), std::invalid_argument);

  t.algorithms = {"HS256"};
  t.hs256_secret_env = "UNSET_VARIABLE";
  EXPECT_THROW(JwtVerifier(t, env), std::invalid_argument);
  t.hs256_secret_env = "EMPTY";
  EXPECT_THROW(JwtVerifier(t, env), std::invalid_argument);
  t.hs256_secret_env = "";
  EXPECT_THROW(JwtVerifier(t, env), std::invalid_argument);

  t = hs256();
  t.claim = "";
  EXPECT_THROW(JwtVerifier(t, env), std::invalid_argument);

  t = hs256();
  t.algorithms = {"RS256"};
  EXPECT_THROW(JwtVerifier(t, env), std::invalid_argument);  // no key file
  t.public_key_file = "/nonexistent/key.pem";
  EXPECT_THROW(JwtVerifier(t, env), std::invalid_argument);
  const TempFile junk("not a key");
  t.public_key_file = junk.path();
  EXPECT_THROW(JwtVerifier(t, env), std::invalid_argument);
  const TempFile priv(tier_test::rsa_key().private_pem);
  t.public_key_file = priv.path();
  EXPECT_THROW(JwtVerifier(t, env), std::invalid_argument);  // a private key is not a public key
  const TempFile ec(tier_test::ec_key().public_pem);
  t.public_key_file = ec.path();
  EXPECT_THROW(JwtVerifier(t, env), std::invalid_argument);  // EC key for RS256
  t.algorithms = {"RS256", "ES256"};
  EXPECT_THROW(JwtVerifier(t, env), std::invalid_argument);  // one key cannot serve both
  t.algorithms = {"ES256"};
  EXPECT_NO_THROW(JwtVerifier(t, env));
}

TEST(JwtVerifier, AlgorithmNamesAreCaseInsensitiveInConfig) {
  JwtTrust t = hs256();
  t.algorithms = {"hs256"};
  const JwtVerifier v = make(t);
  EXPECT_EQ(v.check(sign("HS256", kSecret, {{"tier", "ELITE"}})).status, JwtStatus::valid);
}

// --- keys from a JWKS (tiers.trust.jwt.jwks_url) ---------------------------------------------

struct JwksFixture {
  JwtTrust cfg = [] {
    JwtTrust t;
    t.algorithms = {"RS256", "ES256"};  // one JWKS serves both
    t.jwks_url = "https://idp.example/jwks";
    return t;
  }();
  smart_router::tier::JwksStores stores;
  JwtVerifier v{cfg, env_with({}), &stores};
  std::shared_ptr<smart_router::tier::JwksStore> store = stores.get(cfg.jwks_url);

  // An initializer list, not a json: `{one_key}` would copy that one key, not make an array.
  void publish(std::initializer_list<nlohmann::json> keys) {
    nlohmann::json set = {{"keys", nlohmann::json::array()}};
    for (const auto& k : keys) set["keys"].push_back(k);
    auto parsed = smart_router::tier::parse_jwks(set.dump());
    store->publish(std::make_shared<const smart_router::tier::KeySet>(std::move(parsed.set)));
  }
};

TEST(JwtVerifierJwks, TokensAreVerifiedWithTheKeyTheirKidNames) {
  JwksFixture f;
  f.publish({tier_test::jwk_of(tier_test::rsa_key(), "r1"),
             tier_test::jwk_of(tier_test::rsa_key2(), "r2"),
             tier_test::jwk_of(tier_test::ec_key(), "e1", "ES256")});
  auto c = f.v.check(
      tier_test::sign_kid("RS256", tier_test::rsa_key2().private_pem, "r2", {{"tier", "ELITE"}}));
  EXPECT_EQ(c.status, JwtStatus::valid);
  EXPECT_EQ(c.claim, "ELITE");
  c = f.v.check(
      tier_test::sign_kid("ES256", tier_test::ec_key().private_pem, "e1", {{"tier", "VOID"}}));
  EXPECT_EQ(c.status, JwtStatus::valid);
  // Signed by r1's private key but naming r2: the signature does not verify.
  c = f.v.check(
      tier_test::sign_kid("RS256", tier_test::rsa_key().private_pem, "r2", {{"tier", "VOID"}}));
  EXPECT_EQ(c.status, JwtStatus::invalid);
  EXPECT_EQ(reason(c), "bad signature");
}

TEST(JwtVerifierJwks, NoKeysYetIsInvalidNotAnError) {
  JwksFixture f;
  const auto c = f.v.check(
      tier_test::sign_kid("RS256", tier_test::rsa_key().private_pem, "r1", {{"tier", "ELITE"}}));
  EXPECT_EQ(c.status, JwtStatus::invalid);
  EXPECT_EQ(reason(c), "no JWKS keys loaded yet");
  EXPECT_FALSE(f.store->take_refresh_request());  // the refresher is fetching already
}

TEST(JwtVerifierJwks, UnknownKidAsksForOneEarlyRefresh) {
  JwksFixture f;
  f.publish({tier_test::jwk_of(tier_test::rsa_key(), "r1")});
  const auto token =
      tier_test::sign_kid("RS256", tier_test::rsa_key2().private_pem, "new", {{"tier", "ELITE"}});
  auto c = f.v.check(token);
  EXPECT_EQ(c.status, JwtStatus::invalid);
  EXPECT_EQ(reason(c), "unknown key id (kid)");
  EXPECT_TRUE(f.store->take_refresh_request());
  EXPECT_EQ(f.v.check(token).status, JwtStatus::invalid);
  EXPECT_FALSE(f.store->take_refresh_request());  // rate-limited: jwks_min_refresh_s
  // The provider rotated: once the new set is published the token verifies.
  f.publish({tier_test::jwk_of(tier_test::rsa_key2(), "new")});
  EXPECT_EQ(f.v.check(token).status, JwtStatus::valid);
  // ... and the old key is gone.
  EXPECT_EQ(f.v.check(tier_test::sign_kid("RS256", tier_test::rsa_key().private_pem, "r1",
                                          {{"tier", "ELITE"}}))
                .status,
            JwtStatus::invalid);
}

TEST(JwtVerifierJwks, AlgorithmMustFitTheKeyAndTheList) {
  JwksFixture f;
  f.publish({tier_test::jwk_of(tier_test::rsa_key(), "r1", "RS256"),
             tier_test::jwk_of(tier_test::ec_key(), "e1")});
  // An HS256 token made with the RSA public key as the secret (key confusion) gets nowhere.
  auto c = f.v.check(sign("HS256", tier_test::rsa_key().public_pem, {{"tier", "VOID"}}));
  EXPECT_EQ(c.status, JwtStatus::invalid);
  // RS384 is not listed.
  c = f.v.check(
      tier_test::sign_kid("RS384", tier_test::rsa_key().private_pem, "r1", {{"tier", "VOID"}}));
  EXPECT_EQ(c.status, JwtStatus::invalid);
  EXPECT_EQ(reason(c), "algorithm not allowed");
  // A kid naming an EC key on an RS256 token: no RSA key of that kid.
  c = f.v.check(
      tier_test::sign_kid("RS256", tier_test::rsa_key().private_pem, "e1", {{"tier", "VOID"}}));
  EXPECT_EQ(c.status, JwtStatus::invalid);
}

TEST(JwtVerifierJwks, KeyPinnedToAnotherAlgorithmIsRefused) {
  JwksFixture f;
  f.cfg.algorithms = {"RS256", "RS512"};
  JwtVerifier v(f.cfg, env_with({}), &f.stores);
  f.publish({tier_test::jwk_of(tier_test::rsa_key(), "r1", "RS512")});
  const auto c = v.check(
      tier_test::sign_kid("RS256", tier_test::rsa_key().private_pem, "r1", {{"tier", "VOID"}}));
  EXPECT_EQ(c.status, JwtStatus::invalid);
  EXPECT_EQ(reason(c), "algorithm not allowed for this key");
}

TEST(JwtVerifierJwks, JwksUrlNeedsPublicKeyAlgorithms) {
  JwtTrust t;
  t.algorithms = {"HS256"};
  t.jwks_url = "https://idp.example/jwks";
  EXPECT_THROW(JwtVerifier(t, env_with({{"TIER_JWT_SECRET", kSecret}})), std::invalid_argument);
}

}  // namespace
