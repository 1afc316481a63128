#include "smart_router/tier/jwt_verifier.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <jwt/jwt.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "smart_router/tier/jwks_store.hpp"

namespace smart_router::tier {
namespace {

enum class Family { hmac, rsa, ec };

struct AlgInfo {
  std::string_view name;
  Family family;
  const EVP_MD* (*md)();
};

constexpr AlgInfo kAlgs[] = {
    {"HS256", Family::hmac, EVP_sha256}, {"HS384", Family::hmac, EVP_sha384},
    {"HS512", Family::hmac, EVP_sha512}, {"RS256", Family::rsa, EVP_sha256},
    {"RS384", Family::rsa, EVP_sha384},  {"RS512", Family::rsa, EVP_sha512},
    {"ES256", Family::ec, EVP_sha256},   {"ES384", Family::ec, EVP_sha384},
    {"ES512", Family::ec, EVP_sha512},
};

char upper(char c) noexcept {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return upper(x) == upper(y); });
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

const AlgInfo* find_alg(std::string_view name) noexcept {
  for (const auto& a : kAlgs)
    if (iequals(a.name, name)) return &a;
  return nullptr;
}

// "Bearer <token>" or a bare token; nullopt for no credentials or another scheme ("Basic x").
std::optional<std::string_view> extract_token(std::string_view value) noexcept {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  const std::size_t sp = value.find_first_of(" \t");
  if (sp == std::string_view::npos) return value;
  if (!iequals(value.substr(0, sp), "Bearer")) return std::nullopt;
  return trim(value.substr(sp + 1));
}

bool is_b64url(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// header.payload.signature, three non-empty base64url parts. This refuses unsigned ("alg:none",
// empty signature) tokens before cpp-jwt sees them and keeps its parser on well-formed input.
bool well_formed(std::string_view token) noexcept {
  int dots = 0;
  char prev = '.';
  for (char c : token) {
    if (c == '.') {
      if (prev == '.') return false;  // empty part
      ++dots;
    } else if (!is_b64url(c)) {
      return false;
    }
    prev = c;
  }
  return dots == 2 && prev != '.';
}

// base64url without padding, as JWS signatures are written.
std::string b64url(const unsigned char* data, std::size_t len) {
  std::string out(4 * ((len + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(len));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

const char* reason_of(const std::error_code& ec) noexcept {
  if (ec == jwt::VerificationErrc::TokenExpired) return "token expired";
  if (ec == jwt::VerificationErrc::ImmatureSignature) return "token not yet valid (nbf)";
  if (ec == jwt::VerificationErrc::InvalidAlgorithm) return "algorithm not allowed";
  // HMAC mismatches come as InvalidSignature; RSA/EC ones as the algorithm's VerificationErr.
  if (ec == jwt::VerificationErrc::InvalidSignature || ec == jwt::AlgorithmErrc::VerificationErr)
    return "bad signature";
  if (ec == jwt::VerificationErrc::TypeConversionError) return "malformed registered claim";
  if (ec == jwt::AlgorithmErrc::NoneAlgorithmUsed) return "unsigned token";
  return "invalid token";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument("tiers.trust.jwt.public_key_file: cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The key type (EVP_PKEY_RSA / EVP_PKEY_EC) of a PEM public key, or throws.
int public_key_type(const std::string& pem, const std::string& path) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) throw std::invalid_argument("tiers.trust.jwt.public_key_file: out of memory");
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr)
    throw std::invalid_argument("tiers.trust.jwt.public_key_file: " + path +
                                " is not a PEM public key (BEGIN PUBLIC KEY)");
  const int type = EVP_PKEY_base_id(key);
  EVP_PKEY_free(key);
  return type;
}

// The JWS header's "alg" and "kid" ("" when absent); nullopt when it cannot be read.
struct JwsHeader {
  std::string alg;
  std::string kid;
};

std::optional<JwsHeader> read_jws_header(std::string_view token) {
  const auto json = base64url_decode(token.substr(0, token.find('.')));
  if (!json) return std::nullopt;
  const auto doc = nlohmann::json::parse(*json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return std::nullopt;
  JwsHeader h;
  const auto alg = doc.find("alg");
  const auto kid = doc.find("kid");
  if (alg == doc.end() || !alg->is_string()) return std::nullopt;
  if (kid != doc.end() && !kid->is_string()) return std::nullopt;
  h.alg = alg->get<std::string>();
  if (kid != doc.end()) h.kid = kid->get<std::string>();
  return h;
}

std::int64_t steady_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct JwtVerifier::Impl {
  // Each key is only ever used with its own algorithm family: the HMAC secret never verifies an
  // RS/ES token and the public key is never used as an HMAC secret (no key confusion).
  std::vector<std::string> hmac_algs;
  std::vector<const EVP_MD* (*)()> hmac_mds;
  std::vector<std::string> pk_algs;
  std::vector<std::vector<std::string>> pk_alg_alone;  // {pk_algs[i]} for each i
  std::string secret;
  std::string public_key_pem;
  std::string claim;
  std::string issuer;
  std::string audience;
  std::shared_ptr<JwksStore> jwks;  // with a jwks_url: the keys, by kid
  std::int64_t jwks_min_refresh_ms = 0;

  // The PEM key an RS/ES token is verified with: the file's, or the JWKS key its kid names
  // (an unknown kid asks for an early refresh). Null with out.reason set when there is none.
  // `algs` is set to the algorithms cpp-jwt may accept.
  const std::string* public_key(std::string_view token, const std::vector<std::string>*& algs,
                                JwtCheck& out) const {
    algs = &pk_algs;
    if (!jwks) return &public_key_pem;
    const auto header = read_jws_header(token);
    const AlgInfo* alg = header ? find_alg(header->alg) : nullptr;
    const auto listed =
        header ? std::find(pk_algs.begin(), pk_algs.end(), header->alg) : pk_algs.end();
    if (alg == nullptr || alg->family == Family::hmac || listed == pk_algs.end()) {
      out.reason = "algorithm not allowed";
      return nullptr;
    }
    const KeySet* keys = jwks->keys();
    if (keys == nullptr) {
      out.reason = "no JWKS keys loaded yet";
      return nullptr;
    }
    const Jwk* key =
        keys->find(header->kid, alg->family == Family::rsa ? KeyKind::rsa : KeyKind::ec);
    if (key == nullptr) {
      if (!header->kid.empty()) jwks->want_refresh(steady_now_ms(), jwks_min_refresh_ms);
      out.reason = "unknown key id (kid)";
      return nullptr;
    }
    if (!key->alg.empty() && key->alg != header->alg) {
      out.reason = "algorithm not allowed for this key";
      return nullptr;
    }
    // Only the token's own algorithm: the key's type and alg were checked against it above.
    algs = &pk_alg_alone[static_cast<std::size_t>(listed - pk_algs.begin())];
    return &key->pem;
  }

  // Constant-time check that the signature is the HMAC of one listed HS algorithm. cpp-jwt
  // compares HMACs with operator==, so a token reaches it only once this holds.
  bool hmac_matches(std::string_view token) const {
    const std::size_t dot = token.rfind('.');
    const std::string_view input = token.substr(0, dot);
    const std::string_view sig = token.substr(dot + 1);
    bool ok = false;
    for (auto md : hmac_mds) {
      unsigned char mac[EVP_MAX_MD_SIZE];
      unsigned int mac_len = 0;
      if (HMAC(md(), secret.data(), static_cast<int>(secret.size()),
               reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
               &mac_len) == nullptr)
        continue;
      const std::string expected = b64url(mac, mac_len);
      if (expected.size() == sig.size() &&
          CRYPTO_memcmp(expected.data(), sig.data(), sig.size()) == 0)
        ok = true;
    }
    return ok;
  }

  bool claims_ok(const nlohmann::json& payload, JwtCheck& out) const {
    // cpp-jwt has checked "exp" already, but reads it as unsigned: a negative one never expires.
    if (const auto exp = payload.find("exp"); exp != payload.end()) {
      const double now =
          std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
              .count();
      if (!exp->is_number() || exp->get<double>() < now - 1) {
        out.reason = "token expired";
        return false;
      }
    }
    if (!issuer.empty()) {
      const auto it = payload.find("iss");
      if (it == payload.end() || !it->is_string() || it->get_ref<const std::string&>() != issuer) {
        out.reason = "wrong issuer";
        return false;
      }
    }
    if (!audience.empty()) {
      // RFC 7519 4.1.3: a string or an array of strings.
      const auto it = payload.find("aud");
      bool found = false;
      if (it != payload.end() && it->is_string()) {
        found = it->get_ref<const std::string&>() == audience;
      } else if (it != payload.end() && it->is_array()) {
        for (const auto& a : *it)
          if (a.is_string() && a.get_ref<const std::string&>() == audience) found = true;
      }
      if (!found) {
        out.reason = "wrong audience";
        return false;
      }
    }
    return true;
  }
};

JwtVerifier::JwtVerifier(const config::JwtTrust& cfg, const config::EnvLookup& env,
                         JwksStores* stores)
    : impl_(std::make_unique<Impl>()) {
  if (cfg.algorithms.empty())
    throw std::invalid_argument("tiers.trust.jwt.algorithms: list at least one algorithm");
  bool want_rsa = false;
  bool want_ec = false;
  for (const auto& name : cfg.algorithms) {
    if (iequals(name, "none"))
      throw std::invalid_argument(
          "tiers.trust.jwt.algorithms: \"none\" (unsigned tokens) is not allowed");
    const AlgInfo* alg = find_alg(name);
    if (alg == nullptr)
      throw std::invalid_argument("tiers.trust.jwt.algorithms: unknown algorithm \"" + name +
                                  "\" (HS256 HS384 HS512 RS256 RS384 RS512 ES256 ES384 ES512)");
    const std::string canonical(alg->name);
    auto& list = alg->family == Family::hmac ? impl_->hmac_algs : impl_->pk_algs;
    if (std::find(list.begin(), list.end(), canonical) != list.end()) continue;
    list.push_back(canonical);
    if (alg->family != Family::hmac) impl_->pk_alg_alone.push_back({canonical});
    if (alg->family == Family::hmac) impl_->hmac_mds.push_back(alg->md);
    want_rsa = want_rsa || alg->family == Family::rsa;
    want_ec = want_ec || alg->family == Family::ec;
  }

  if (!impl_->hmac_algs.empty()) {
    if (cfg.hs256_secret_env.empty())
      throw std::invalid_argument("tiers.trust.jwt.hs256_secret_env: empty, but HS* is listed");
    const char* secret = env ? env(cfg.hs256_secret_env.c_str()) : nullptr;
    if (secret == nullptr || *secret == '\0')
      throw std::invalid_argument("tiers.trust.jwt: environment variable " + cfg.hs256_secret_env +
                                  " (the HS* secret) is not set or empty");
    impl_->secret = secret;
  }

  if (!cfg.jwks_url.empty()) {
    if (!want_rsa && !want_ec)
      throw std::invalid_argument("tiers.trust.jwt.jwks_url: list RS* or ES* algorithms");
    impl_->jwks =
        stores != nullptr ? stores->get(cfg.jwks_url) : std::make_shared<JwksStore>(cfg.jwks_url);
    impl_->jwks_min_refresh_ms = std::int64_t{cfg.jwks_min_refresh_s} * 1000;
  } else if (want_rsa || want_ec) {
    if (want_rsa && want_ec)
      throw std::invalid_argument(
          "tiers.trust.jwt.algorithms: RS* and ES* need different keys, but there is one "
          "public_key_file");
    if (cfg.public_key_file.empty())
      throw std::invalid_argument("tiers.trust.jwt.public_key_file: empty, but RS*/ES* is listed");
    impl_->public_key_pem = read_file(cfg.public_key_file);
    const int type = public_key_type(impl_->public_key_pem, cfg.public_key_file);
    if (want_rsa && type != EVP_PKEY_RSA)
      throw std::invalid_argument("tiers.trust.jwt.public_key_file: " + cfg.public_key_file +
                                  " is not an RSA key, but RS* is listed");
    if (want_ec && type != EVP_PKEY_EC)
      throw std::invalid_argument("tiers.trust.jwt.public_key_file: " + cfg.public_key_file +
                                  " is not an EC key, but ES* is listed");
  }

  if (cfg.claim.empty()) throw std::invalid_argument("tiers.trust.jwt.claim: empty");
  impl_->claim = cfg.claim;
  impl_->issuer = cfg.issuer;
  impl_->audience = cfg.audience;
}

JwtVerifier::~JwtVerifier() = default;

const std::shared_ptr<JwksStore>& JwtVerifier::jwks() const {
  return impl_->jwks;
}

JwtCheck JwtVerifier::check(std::string_view header_value) const noexcept {
  JwtCheck out;
  try {
    const auto token = extract_token(header_value);
    if (!token) return out;  // no_token
    out.status = JwtStatus::invalid;
    if (!well_formed(*token)) {
      out.reason = "malformed token";
      return out;
    }

    const jwt::string_view tok(token->data(), token->size());
    std::error_code ec;
    jwt::jwt_object obj;
    if (!impl_->hmac_algs.empty() && impl_->hmac_matches(*token)) {
      obj = jwt::decode(tok, jwt::params::algorithms(impl_->hmac_algs), ec,
                        jwt::params::secret(impl_->secret));
    } else if (!impl_->pk_algs.empty()) {
      const std::vector<std::string>* algs = nullptr;
      const std::string* key = impl_->public_key(*token, algs, out);
      if (key == nullptr) return out;
      obj = jwt::decode(tok, jwt::params::algorithms(*algs), ec, jwt::params::secret(*key));
    } else {
      out.reason = "bad signature";
      return out;
    }
    if (ec) {
      out.reason = reason_of(ec);
      return out;
    }

    const nlohmann::json& payload = obj.payload().create_json_obj();
    if (!impl_->claims_ok(payload, out)) return out;
    if (const auto sub = payload.find("sub"); sub != payload.end() && sub->is_string())
      out.subject = sub->get<std::string>();

    const auto it = payload.find(impl_->claim);
    if (it == payload.end() || it->is_null()) {
      out.status = JwtStatus::valid;  // a verified token without a tier claim
      return out;
    }
    if (!it->is_string()) {
      out.status = JwtStatus::invalid_claim;
      out.reason = "tier claim is not a string";
      return out;
    }
    out.claim = std::string(trim(it->get_ref<const std::string&>()));
    out.status = JwtStatus::valid;
    return out;
  } catch (...) {
    // cpp-jwt and nlohmann throw on some malformed input (e.g. a non-string "alg").
    out = JwtCheck{};
    out.status = JwtStatus::invalid;
    out.reason = "malformed token";
    return out;
  }
}

}  // namespace smart_router::tier
