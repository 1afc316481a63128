// Decides whether a request's tier claim can be believed (tiers.trust): the header as sent,
// the header only from trusted peers, or the claim inside a verified JWT.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "smart_router/config/config.hpp"
#include "smart_router/config/loader.hpp"
#include "smart_router/tier/cidr.hpp"
#include "smart_router/tier/tier_classifier.hpp"

namespace smart_router::tier {

class JwtVerifier;
class JwksStore;
class JwksStores;

enum class ClaimState {
  absent,     // no claim at all: the default class, not a downgrade
  honoured,   // the claim is believed; name() is what it says
  untrusted,  // a claim was made but is not proven (untrusted peer, bad JWT, bare header in jwt
              // mode); name() is what it says when known, else ""
  malformed,  // a verified JWT whose tier claim is not a string, or a believed tier header sent
              // on several field lines: treated as an unknown tier
};

struct Claim {
  ClaimState state = ClaimState::absent;
  std::string_view header_value;  // the tier header (trimmed) when the claim came from it
  std::string token_value;        // the JWT claim when it came from a token
  bool from_token = false;
  const char* reason = nullptr;  // why it is untrusted (static text, for logs)
  std::string subject{};         // "sub" of a verified JWT, else "" (never an unverified one)

  std::string_view name() const noexcept {
    return from_token ? std::string_view(token_value) : header_value;
  }
};

class TrustPolicy {
 public:
  // `tier_header_name` is tiers.header (so jwt mode knows when both names are the same header).
  // Throws std::invalid_argument on a bad CIDR or JWT setting.
  TrustPolicy(const config::Trust& trust, std::string_view tier_header_name,
              const config::EnvLookup& env, JwksStores* jwks = nullptr);
  ~TrustPolicy();
  TrustPolicy(const TrustPolicy&) = delete;
  TrustPolicy& operator=(const TrustPolicy&) = delete;

  // The JWKS of jwt mode with a jwks_url, else null.
  const JwksStore* jwks() const noexcept;

  // Never throws. Does not allocate in header and trusted_peers modes.
  Claim evaluate(const TierInputs& in) const noexcept;

  // Whether the peer's own hints (X-Request-Budget-Ms) are believed: every peer in header mode
  // (it is believed about its tier already), else only peers in trusted_cidrs.
  bool trusts_peer(const boost::asio::ip::address& peer) const noexcept {
    return mode_ == config::TrustMode::header || trusted_.contains(peer);
  }

 private:
  config::TrustMode mode_;
  CidrSet trusted_;
  std::unique_ptr<JwtVerifier> jwt_;
  bool jwt_header_is_tier_header_ = false;
};

}  // namespace smart_router::tier
