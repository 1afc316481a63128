#include "smart_router/tier/jwks.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

namespace smart_router::tier {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

// Why a key is skipped.
struct Skip : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int b64_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::string member(const nlohmann::json& key, const char* name) {
  const auto it = key.find(name);
  if (it == key.end()) return {};
  if (!it->is_string()) throw Skip(std::string("\"") + name + "\" is not a string");
  return it->get<std::string>();
}

std::string bytes_member(const nlohmann::json& key, const char* name) {
  const std::string text = member(key, name);
  if (text.empty()) throw Skip(std::string("no \"") + name + "\"");
  auto bytes = base64url_decode(text);
  if (!bytes || bytes->empty()) throw Skip(std::string("\"") + name + "\" is not base64url");
  return *bytes;
}

BIGNUM* to_bn(const std::string& bytes) {
  return BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                   static_cast<int>(bytes.size()), nullptr);
}

PkeyPtr from_params(const char* type, OSSL_PARAM_BLD* bld) {
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    throw Skip("not a valid public key");
  PkeyPtr key(raw);
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) throw Skip("not a valid public key");
  return key;
}

PkeyPtr rsa_key(const nlohmann::json& jwk) {
  const BnPtr n(to_bn(bytes_member(jwk, "n")));
  const BnPtr e(to_bn(bytes_member(jwk, "e")));
  if (!n || !e) throw Skip("out of memory");
  if (BN_num_bits(n.get()) < 2048) throw Skip("RSA key shorter than 2048 bits");
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1)
    throw Skip("out of memory");
  return from_params("RSA", bld.get());
}

PkeyPtr ec_key(const nlohmann::json& jwk) {
  const std::string crv = member(jwk, "crv");
  const char* group = nullptr;
  std::size_t len = 0;
  if (crv == "P-256") {
    group = "prime256v1";
    len = 32;
  } else if (crv == "P-384") {
    group = "secp384r1";
    len = 48;
  } else if (crv == "P-521") {
    group = "secp521r1";
    len = 66;
  } else {
    throw Skip("unsupported curve \"" + crv + "\" (P-256, P-384, P-521)");
  }
  const std::string x = bytes_member(jwk, "x");
  const std::string y = bytes_member(jwk, "y");
  if (x.size() != len || y.size() != len) throw Skip("x/y of the wrong length for " + crv);
  const std::string point = std::string(1, '\x04') + x + y;  // uncompressed point
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1)
    throw Skip("out of memory");
  return from_params("EC", bld.get());
}

std::string pem_of(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) throw Skip("cannot encode the key");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

bool alg_fits(const std::string& alg, KeyKind kind) {
  if (alg.empty()) return true;
  const std::string_view prefix = kind == KeyKind::rsa ? "RS" : "ES";
  return alg.size() == 5 && alg.starts_with(prefix) &&
         (alg.ends_with("256") || alg.ends_with("384") || alg.ends_with("512"));
}

Jwk parse_key(const nlohmann::json& jwk) {
  if (!jwk.is_object()) throw Skip("not an object");
  Jwk out;
  out.kid = member(jwk, "kid");
  const std::string use = member(jwk, "use");
  if (!use.empty() && use != "sig") throw Skip("use \"" + use + "\" is not sig");
  const std::string kty = member(jwk, "kty");
  if (kty == "RSA")
    out.kind = KeyKind::rsa;
  else if (kty == "EC")
    out.kind = KeyKind::ec;
  else
    throw Skip("unsupported kty \"" + kty + "\" (RSA, EC)");
  out.alg = member(jwk, "alg");
  if (!alg_fits(out.alg, out.kind))
    throw Skip("alg \"" + out.alg + "\" does not fit kty " + kty + " or is not supported");
  const PkeyPtr key = out.kind == KeyKind::rsa ? rsa_key(jwk) : ec_key(jwk);
  out.pem = pem_of(key.get());
  return out;
}

}  // namespace

// A trailing '=' is tolerated.
std::optional<std::string> base64url_decode(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() * 3 / 4);
  unsigned acc = 0;
  int bits = 0;
  for (char c : in) {
    const int v = b64_value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

const Jwk* KeySet::find(std::string_view kid, KeyKind kind) const {
  const Jwk* only = nullptr;
  std::size_t of_kind = 0;
  for (const auto& k : keys) {
    if (k.kind != kind) continue;
    if (!kid.empty() && k.kid == kid) return &k;
    ++of_kind;
    only = &k;
  }
  return kid.empty() && of_kind == 1 ? only : nullptr;
}

ParsedJwks parse_jwks(std::string_view json) {
  const auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) throw std::invalid_argument("JWKS is not valid JSON");
  if (!doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array())
    throw std::invalid_argument("JWKS has no \"keys\" array");
  ParsedJwks out;
  std::size_t i = 0;
  for (const auto& entry : doc["keys"]) {
    ++i;
    try {
      Jwk key = parse_key(entry);
      if (!key.kid.empty() && out.set.find(key.kid, key.kind) != nullptr)
        throw Skip("duplicate kid (the first one is kept)");
      out.set.keys.push_back(std::move(key));
    } catch (const Skip& s) {
      std::string where = "key " + std::to_string(i);
      if (entry.is_object() && entry.contains("kid") && entry["kid"].is_string())
        where += " (kid " + entry["kid"].get<std::string>() + ")";
      out.skipped.push_back(where + ": " + s.what());
    }
  }
  return out;
}

}  // namespace smart_router::tier
