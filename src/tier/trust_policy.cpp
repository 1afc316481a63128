#include "smart_router/tier/trust_policy.hpp"

#include <algorithm>
#include <utility>

#include "smart_router/tier/jwt_verifier.hpp"

namespace smart_router::tier {
namespace {

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

// The tier header's value, trimmed; empty when absent or blank (both mean "no claim").
std::string_view header_claim(const TierInputs& in) noexcept {
  return in.tier_header ? trim(*in.tier_header) : std::string_view{};
}

// A claim from the tier header: `believed` says whether its sender is. A repeated header is
// a list naming no class (malformed when believed; an untrusted claim of no class otherwise).
Claim header_claim_of(const TierInputs& in, bool believed, const char* untrusted_reason) noexcept {
  Claim c;
  if (in.tier_header_repeated) {
    c.state = believed ? ClaimState::malformed : ClaimState::untrusted;
    c.reason = believed ? "tier header repeated" : untrusted_reason;
    return c;
  }
  c.header_value = header_claim(in);
  if (c.header_value.empty()) return c;  // absent
  c.state = believed ? ClaimState::honoured : ClaimState::untrusted;
  if (!believed) c.reason = untrusted_reason;
  return c;
}

}  // namespace

TrustPolicy::TrustPolicy(const config::Trust& trust, std::string_view tier_header_name,
                         const config::EnvLookup& env, JwksStores* jwks)
    : mode_(trust.mode), trusted_(trust.trusted_cidrs) {
  // CIDRs are parsed in every mode so a typo is reported even before the mode is switched on.
  if (mode_ == config::TrustMode::jwt) {
    jwt_ = std::make_unique<JwtVerifier>(trust.jwt, env, jwks);
    jwt_header_is_tier_header_ = iequals(trust.jwt.header, tier_header_name);
  }
}

TrustPolicy::~TrustPolicy() = default;

const JwksStore* TrustPolicy::jwks() const noexcept {
  return jwt_ ? jwt_->jwks().get() : nullptr;
}

Claim TrustPolicy::evaluate(const TierInputs& in) const noexcept {
  switch (mode_) {
    case config::TrustMode::header:
      return header_claim_of(in, true, nullptr);

    case config::TrustMode::trusted_peers:
      return header_claim_of(in, trusted_.contains(in.peer), "peer not in trusted_cidrs");

    case config::TrustMode::jwt: {
      // The tier header is never believed here; a value in it is only an unproven claim.
      Claim bare = jwt_header_is_tier_header_
                       ? Claim{}
                       : header_claim_of(in, false, "tier header without a JWT claim");
      JwtCheck check =
          in.jwt_header ? jwt_->check(*in.jwt_header) : JwtCheck{JwtStatus::no_token, {}, nullptr};
      Claim c;
      c.subject = std::move(check.subject);  // set only when the token verified
      switch (check.status) {
        case JwtStatus::invalid:
          c.state = ClaimState::untrusted;
          c.reason = check.reason;
          return c;
        case JwtStatus::invalid_claim:
          c.state = ClaimState::malformed;
          c.reason = check.reason;
          return c;
        case JwtStatus::valid:
          if (!check.claim.empty()) {
            c.state = ClaimState::honoured;
            c.from_token = true;
            c.token_value = std::move(check.claim);
            return c;
          }
          [[fallthrough]];  // verified, but it claims no tier
        case JwtStatus::no_token:
          if (bare.state != ClaimState::absent) {
            bare.subject = std::move(c.subject);
            return bare;
          }
          return c;  // absent
      }
      return c;
    }
  }
  return Claim{};
}

}  // namespace smart_router::tier
