// JSON Web Key Sets (RFC 7517) as identity providers publish them at their jwks_uri: the public
// keys tier tokens are verified with, by key id (`kid`). Only signature keys the verifier can
// use are kept: RSA (2048 bits or more) and EC (P-256, P-384, P-521); the rest are skipped
// with a reason, so one odd key never costs the others.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smart_router::tier {

enum class KeyKind { rsa, ec };

struct Jwk {
  std::string kid;  // "" when the key has none
  KeyKind kind = KeyKind::rsa;
  std::string alg;  // "" when the key does not pin one; else e.g. "RS256"
  std::string pem;  // SubjectPublicKeyInfo PEM, what cpp-jwt verifies with
};

struct KeySet {
  std::vector<Jwk> keys;

  // The key named `kid`; a token without a kid ("") takes the set's only key of `kind`.
  const Jwk* find(std::string_view kid, KeyKind kind) const;
};

struct ParsedJwks {
  KeySet set;
  std::vector<std::string> skipped;  // "key 2 (kid x): why", for the log
};

// base64url without padding (RFC 7515 2), as JWS parts and JWK members are written.
std::optional<std::string> base64url_decode(std::string_view in);

// Throws std::invalid_argument when the text is not a JWKS at all (not JSON, no "keys" array).
ParsedJwks parse_jwks(std::string_view json);

}  // namespace smart_router::tier
