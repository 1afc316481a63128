#include "smart_router/tier/tier_classifier.hpp"

#include <algorithm>
#include <stdexcept>

#include "smart_router/observability/metrics.hpp"
#include "smart_router/tier/trust_policy.hpp"

namespace smart_router::tier {
namespace {

char upper(char c) noexcept {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
}

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = upper(c);
  return out;
}

// `upper_name` is already upper-case; `claim` is compared without copying it.
bool equals_upper(std::string_view upper_name, std::string_view claim) noexcept {
  return upper_name.size() == claim.size() &&
         std::equal(upper_name.begin(), upper_name.end(), claim.begin(),
                    [](char u, char c) { return u == upper(c); });
}

}  // namespace

struct TierClassifier::Impl {
  Impl(const config::Tiers& tiers, const config::EnvLookup& env, JwksStores* jwks)
      : trust(tiers.trust, tiers.header, env, jwks) {}

  std::vector<std::string> upper_names;  // Tiers::classes order
  config::FallbackPolicy on_unknown = config::FallbackPolicy::use_default;
  config::FallbackPolicy on_untrusted = config::FallbackPolicy::use_default;
  bool routing_enabled = true;
  TrustPolicy trust;
  // smart_router_tier_downgrades_total, or empty without metrics: reason "untrusted" per class
  // claimed (classes order, then "unknown"), and reason "unknown_tier".
  std::vector<prometheus::Counter*> untrusted_downgrades;
  prometheus::Counter* unknown_downgrades = nullptr;

  void count_untrusted(std::optional<std::size_t> claimed) const {
    if (untrusted_downgrades.empty()) return;
    untrusted_downgrades[claimed.value_or(untrusted_downgrades.size() - 1)]->Increment();
  }
  void count_unknown() const {
    if (unknown_downgrades != nullptr) unknown_downgrades->Increment();
  }
};

bool TierClassifier::trusts_peer(const boost::asio::ip::address& peer) const {
  return impl_->trust.trusts_peer(peer);
}

const JwksStore* TierClassifier::jwks() const {
  return impl_->trust.jwks();
}

TierClassifier::TierClassifier(const config::Tiers& tiers, const config::EnvLookup& env,
                               observability::Metrics* metrics, JwksStores* jwks)
    : impl_(std::make_unique<Impl>(tiers, env, jwks)) {
  if (tiers.classes.empty()) throw std::invalid_argument("tiers.classes: no tier class defined");
  impl_->upper_names.reserve(tiers.classes.size());
  for (const auto& c : tiers.classes) {
    std::string name = to_upper(c.name);
    if (name.empty()) throw std::invalid_argument("tiers.classes: a class has an empty name");
    if (std::find(impl_->upper_names.begin(), impl_->upper_names.end(), name) !=
        impl_->upper_names.end())
      throw std::invalid_argument("tiers.classes: duplicate class " + name);
    impl_->upper_names.push_back(std::move(name));
  }
  const auto def = find_class(tiers.default_tier);
  if (!def)
    throw std::invalid_argument("tiers.default: " + tiers.default_tier + " is not a tier class");
  default_index_ = *def;
  impl_->on_unknown = tiers.on_unknown;
  impl_->on_untrusted = tiers.trust.on_untrusted;
  if (metrics != nullptr) {
    for (const auto& c : tiers.classes)
      impl_->untrusted_downgrades.push_back(&metrics->tier_downgrades(c.name, "untrusted"));
    impl_->untrusted_downgrades.push_back(&metrics->tier_downgrades("unknown", "untrusted"));
    impl_->unknown_downgrades = &metrics->tier_downgrades("unknown", "unknown_tier");
  }
  impl_->routing_enabled = tiers.routing_enabled;
}

TierClassifier::~TierClassifier() = default;

std::optional<std::size_t> TierClassifier::find_class(std::string_view name) const {
  const auto& names = impl_->upper_names;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (equals_upper(names[i], name)) return i;
  return std::nullopt;
}

namespace {

const char* verdict_of(ClaimState s) {
  switch (s) {
    case ClaimState::absent:
      return "absent";
    case ClaimState::honoured:
      return "honoured";
    case ClaimState::untrusted:
      return "untrusted";
    case ClaimState::malformed:
      return "malformed";
  }
  return "";
}

void note(TierTrace* trace, const Claim& claim) {
  if (trace == nullptr) return;
  trace->claim = std::string(claim.name());
  trace->from_token = claim.from_token;
  trace->verdict = verdict_of(claim.state);
  trace->reason = claim.reason != nullptr ? claim.reason : "";
}

}  // namespace

TierDecision TierClassifier::classify(const TierInputs& in, TierTrace* trace) const {
  TierDecision d;
  d.class_index = default_index_;
  if (!impl_->routing_enabled) {  // TIER_ROUTING_ENABLED=false: everyone is the default
    if (trace != nullptr) trace->verdict = "ignored";
    return d;
  }

  Claim claim = impl_->trust.evaluate(in);
  note(trace, claim);
  d.jwt_subject = std::move(claim.subject);
  switch (claim.state) {
    case ClaimState::absent:
      return d;

    case ClaimState::untrusted:
      // Claiming the default class needs no proof: nothing is downgraded or refused.
      if (equals_upper(impl_->upper_names[default_index_], claim.name())) return d;
      if (impl_->on_untrusted == config::FallbackPolicy::reject) {
        d.outcome = TierOutcome::unauthorized;
        return d;
      }
      d.downgraded = true;
      impl_->count_untrusted(find_class(claim.name()));
      return d;

    case ClaimState::honoured:
      if (const auto idx = find_class(claim.name())) {
        d.class_index = *idx;
        return d;
      }
      break;  // a believed claim naming no class: on_unknown

    case ClaimState::malformed:
      break;
  }

  if (impl_->on_unknown == config::FallbackPolicy::reject) {
    d.outcome = TierOutcome::unknown_tier;
    return d;
  }
  d.downgraded = true;  // the claim was present but not honoured
  impl_->count_unknown();
  return d;
}

}  // namespace smart_router::tier
