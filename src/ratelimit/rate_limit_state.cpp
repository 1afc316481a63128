#include "smart_router/ratelimit/rate_limit_state.hpp"

#include <cmath>

namespace smart_router::ratelimit {
namespace {

Rate rate_of(const config::RateLimit& r) {
  return Rate::of(r.requests_per_second, effective_burst(r));
}

}  // namespace

std::uint32_t effective_burst(const config::RateLimit& r) {
  if (r.burst != 0) return r.burst;
  return static_cast<std::uint32_t>(std::max(1.0, std::ceil(r.requests_per_second)));
}

RateLimitState::RateLimitState()
    : clients_(std::make_shared<ClientTable>(config::RateLimits{}.max_client_keys)) {}

ClassLimits RateLimitState::limits_for(const config::RateLimits& cfg, const std::string& class_name,
                                       observability::Metrics& metrics) {
  const std::lock_guard lock(mutex_);
  clients_->set_max_keys(cfg.max_client_keys);
  ClassLimits out;
  out.class_name = class_name;
  const config::ClassRateLimits* c = cfg.find(class_name);

  if (c != nullptr && c->class_limit) {
    const Rate rate = rate_of(*c->class_limit);
    auto& bucket = class_buckets_[class_name];
    if (!bucket || !(bucket->rate() == rate)) bucket = std::make_shared<ClassBucket>(rate);
    out.class_wide = Policy{bucket, class_name + "-class",
                            &metrics.rate_limited(class_name, scope_name(Scope::class_wide))};
  } else {
    class_buckets_.erase(class_name);
  }

  if (c != nullptr && c->fleet) {
    const Rate rate = rate_of(*c->fleet);
    auto& lease = fleet_leases_[class_name];
    if (!lease || !(lease->rate() == rate))
      lease = std::make_shared<FleetLease>(rate, fleet_waker_);
    out.fleet = Policy{lease, class_name + "-fleet",
                       &metrics.rate_limited(class_name, scope_name(Scope::fleet))};
  } else {
    fleet_leases_.erase(class_name);
  }

  if (c != nullptr && c->client) {
    const Rate rate = rate_of(c->client->rate);
    const auto& k = *c->client;
    auto it = client_policies_.find(class_name);
    if (it == client_policies_.end() || !(it->second.rate == rate) || it->second.kind != k.key ||
        it->second.header != k.header) {
      // A new id: the old policy's buckets are no longer reachable and age out of the table.
      it = client_policies_
               .insert_or_assign(class_name,
                                 ClientPolicyId{rate, k.key, k.header, next_policy_id_++})
               .first;
    }
    out.client = Policy{std::make_shared<ClientLimiter>(clients_, rate, it->second.id),
                        class_name + "-client",
                        &metrics.rate_limited(class_name, scope_name(Scope::client))};
    out.key_source = KeySource{k.key, k.header};
  } else {
    client_policies_.erase(class_name);
  }
  return out;
}

std::vector<RateLimitState::FleetBucket> RateLimitState::fleet_buckets() {
  const std::lock_guard lock(mutex_);
  std::vector<FleetBucket> out;
  // A lease only this map holds belongs to a class no config in use limits any more (removed
  // from tiers, say): forgotten, so nothing is leased for it.
  std::erase_if(fleet_leases_, [](const auto& kv) { return kv.second.use_count() == 1; });
  for (const auto& [name, lease] : fleet_leases_) out.push_back({name, lease});
  return out;
}

}  // namespace smart_router::ratelimit
