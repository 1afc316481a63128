// Verifies the JWT that carries a tier claim (tiers.trust.mode: jwt) with cpp-jwt.
// Built once per config snapshot; check() never throws.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "smart_router/config/config.hpp"
#include "smart_router/config/loader.hpp"

namespace smart_router::tier {

enum class JwtStatus {
  no_token,       // header absent/empty, or a different auth scheme ("Basic ...")
  invalid,        // malformed, bad signature, disallowed alg, expired, wrong issuer/audience
  valid,          // verified; `claim` holds the tier claim ("" when the token has none)
  invalid_claim,  // verified, but the tier claim is not a string
};

struct JwtCheck {
  JwtStatus status = JwtStatus::no_token;
  std::string claim;             // the tier claim, trimmed, when status == valid
  const char* reason = nullptr;  // static text saying why the token is invalid (for logs)
  std::string subject{};         // the "sub" claim when the token verified (valid/invalid_claim)
};

class JwksStore;
class JwksStores;

class JwtVerifier {
 public:
  // Throws std::invalid_argument: empty or unknown algorithm list, "none" listed, HS* listed
  // but the secret variable unset or empty, RS*/ES* listed but neither a jwks_url nor a public
  // key file, or that file unreadable, not a PEM public key, or of the wrong type for the
  // listed algorithms. With a jwks_url, RS*/ES* tokens are verified with the JWKS key their
  // kid names, taken from `stores` (a store of its own when null: no keys until published).
  JwtVerifier(const config::JwtTrust& cfg, const config::EnvLookup& env,
              JwksStores* stores = nullptr);
  ~JwtVerifier();
  JwtVerifier(const JwtVerifier&) = delete;
  JwtVerifier& operator=(const JwtVerifier&) = delete;

  // `header_value`: "Bearer <token>" (scheme case-insensitive) or a bare token.
  JwtCheck check(std::string_view header_value) const noexcept;

  // The JWKS the keys come from (null without a jwks_url).
  const std::shared_ptr<JwksStore>& jwks() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace smart_router::tier
