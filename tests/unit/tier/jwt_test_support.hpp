// Helpers for the tier tests: keys generated at run time (no key material in the repo),
// temporary key files and signed or hand-made tokens.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <jwt/jwt.hpp>
#include <map>
#include <stdexcept>
#include <string>

#include "smart_router/config/loader.hpp"

namespace tier_test {

struct KeyPair {
  std::string private_pem;
  std::string public_pem;
};

inline std::string bio_string(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

inline KeyPair pem_pair(EVP_PKEY* key) {
  if (key == nullptr) throw std::runtime_error("key generation failed");
  KeyPair kp;
  BIO* priv = BIO_new(BIO_s_mem());
  BIO* pub = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(priv, key, nullptr, nullptr, 0, nullptr, nullptr);
  PEM_write_bio_PUBKEY(pub, key);
  kp.private_pem = bio_string(priv);
  kp.public_pem = bio_string(pub);
  BIO_free(priv);
  BIO_free(pub);
  EVP_PKEY_free(key);
  return kp;
}

inline const KeyPair& rsa_key() {
  static const KeyPair kp = pem_pair(EVP_RSA_gen(2048));
  return kp;
}

inline const KeyPair& ec_key() {
  static const KeyPair kp = pem_pair(EVP_EC_gen("P-256"));
  return kp;
}

// A file removed when the object goes away.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("sr_tier_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++)))
                .string();
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string b64url(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

// A token signed by cpp-jwt. `claims` are added as JSON values; exp_in_s (when non-zero) sets
// "exp" relative to now (negative: already expired).
inline std::string sign(const std::string& alg, const std::string& key,
                        const nlohmann::json& claims, long exp_in_s = 3600) {
  jwt::jwt_object obj{jwt::params::algorithm(alg), jwt::params::secret(key)};
  for (auto it = claims.begin(); it != claims.end(); ++it) obj.add_claim(it.key(), it.value());
  if (exp_in_s != 0)
    obj.add_claim("exp", std::chrono::system_clock::now() + std::chrono::seconds(exp_in_s));
  return obj.signature();
}

// A token assembled by hand from raw header and payload JSON and a raw signature part.
inline std::string raw_token(const std::string& header_json, const std::string& payload_json,
                             const std::string& signature) {
  return b64url(header_json) + "." + b64url(payload_json) + "." + signature;
}

// A hand-made token with a correct HS256 signature over whatever header and payload are given.
inline std::string hs256_raw(const std::string& header_json, const std::string& payload_json,
                             const std::string& secret) {
  const std::string input = b64url(header_json) + "." + b64url(payload_json);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return input + "." + b64url(std::string(reinterpret_cast<const char*>(mac), len));
}

// A token signed by cpp-jwt whose header names key `kid`.
inline std::string sign_kid(const std::string& alg, const std::string& key, const std::string& kid,
                            const nlohmann::json& claims) {
  jwt::jwt_object obj{jwt::params::algorithm(alg), jwt::params::secret(key),
                      jwt::params::headers({{"kid", kid}})};
  for (auto it = claims.begin(); it != claims.end(); ++it) obj.add_claim(it.key(), it.value());
  obj.add_claim("exp", std::chrono::system_clock::now() + std::chrono::seconds(3600));
  return obj.signature();
}

inline std::string bn_bytes(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(key, name, &bn);
  std::string out(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

// The public half of `kp` as a JWK (RFC 7517/7518), as an identity provider publishes it.
inline nlohmann::json jwk_of(const KeyPair& kp, const std::string& kid,
                             const std::string& alg = "") {
  BIO* bio = BIO_new_mem_buf(kp.public_pem.data(), static_cast<int>(kp.public_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  nlohmann::json j = {{"kid", kid}, {"use", "sig"}};
  if (!alg.empty()) j["alg"] = alg;
  if (EVP_PKEY_base_id(key) == EVP_PKEY_RSA) {
    j["kty"] = "RSA";
    j["n"] = b64url(bn_bytes(key, OSSL_PKEY_PARAM_RSA_N));
    j["e"] = b64url(bn_bytes(key, OSSL_PKEY_PARAM_RSA_E));
  } else {
    unsigned char point[133];
    std::size_t len = 0;
    EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, sizeof point,
                                    &len);
    const std::size_t half = (len - 1) / 2;  // 0x04 || x || y
    j["kty"] = "EC";
    j["crv"] = half == 32 ? "P-256" : half == 48 ? "P-384" : "P-521";
    j["x"] = b64url(std::string(reinterpret_cast<const char*>(point) + 1, half));
    j["y"] = b64url(std::string(reinterpret_cast<const char*>(point) + 1 + half, half));
  }
  EVP_PKEY_free(key);
  return j;
}

inline const KeyPair& rsa_key2() {
  static const KeyPair kp = pem_pair(EVP_RSA_gen(2048));
  return kp;
}

inline smart_router::config::EnvLookup env_with(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

}  // namespace tier_test
