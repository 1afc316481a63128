// Decides the tier class of a request from its claim (header or JWT) and who sent it.
// Built once per config snapshot; classify() is called on the hot path and does not allocate
// in header mode.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smart_router/config/config.hpp"
#include "smart_router/config/loader.hpp"

namespace smart_router::observability {
class Metrics;
}

namespace smart_router::tier {

class JwksStore;
class JwksStores;

enum class TierOutcome {
  ok,            // class_index is the effective class
  unknown_tier,  // claim names no class and on_unknown: reject -> 400 unknown_tier
  unauthorized,  // claim not proven and on_untrusted: reject -> 401 unauthorized
};

struct TierDecision {
  TierOutcome outcome = TierOutcome::ok;
  std::size_t class_index = 0;  // index into Tiers::classes (valid when outcome == ok)
  // A claim was present but not honoured (counted in smart_router_tier_downgrades_total).
  bool downgraded = false;
  std::string jwt_subject;  // "sub" of the verified JWT (jwt mode), else "": rate-limit key
};

// What the classifier needs from the request (values of the configured header names).
struct TierInputs {
  std::optional<std::string_view> tier_header;  // value of tiers.header, if present
  std::optional<std::string_view> jwt_header;   // value of tiers.trust.jwt.header, if present
  boost::asio::ip::address peer;
  // tiers.header on more than one field line: one list (RFC 9110 5.3), "LITE, ELITE", which
  // names no class, so the claim is an unknown tier (on_unknown), never one of its values.
  bool tier_header_repeated = false;
};

// What classify() saw on its way, for `smart-router explain`: the claim and whether it was
// believed. Static texts; `claim` points into the inputs (or the trace's own copy from a JWT).
struct TierTrace {
  std::string claim;         // the tier claimed, "" when none
  bool from_token = false;   // the claim is a JWT's (else the tier header's)
  const char* verdict = "";  // absent | honoured | untrusted | malformed | ignored
  const char* reason = "";   // why it was not believed (untrusted, malformed), else ""
};

class TierClassifier {
 public:
  // Throws std::invalid_argument with a readable message on a bad CIDR, key file or secret.
  // `env` reads the JWT secret variable (hs256_secret_env). `metrics`, when given, counts
  // every downgrade. `jwks` holds the JWKS key sets (tiers.trust.jwt.jwks_url) across reloads.
  TierClassifier(const config::Tiers& tiers, const config::EnvLookup& env,
                 observability::Metrics* metrics = nullptr, JwksStores* jwks = nullptr);
  ~TierClassifier();
  TierClassifier(const TierClassifier&) = delete;
  TierClassifier& operator=(const TierClassifier&) = delete;

  // `trace`, when given, is filled for explain; the decision is the same either way.
  TierDecision classify(const TierInputs& in, TierTrace* trace = nullptr) const;
  // Whether a peer's hints about its request (X-Request-Budget-Ms) are believed.
  bool trusts_peer(const boost::asio::ip::address& peer) const;
  // The JWKS tokens are verified with (null without tiers.trust.jwt.jwks_url in jwt mode).
  const JwksStore* jwks() const;

  // Index of a class by case-insensitive name, or nullopt.
  std::optional<std::size_t> find_class(std::string_view name) const;
  std::size_t default_class() const { return default_index_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::size_t default_index_ = 0;
};

}  // namespace smart_router::tier
