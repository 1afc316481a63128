// The buckets that outlive a config snapshot: one per limited class, and the table of client
// buckets. Each compiled snapshot asks for its classes' limits here; a class whose limit did
// not change keeps its buckets (and what they hold) across a reload, a changed or new one
// starts full. Owned by the router for the life of the process.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "smart_router/config/config.hpp"
#include "smart_router/observability/metrics.hpp"
#include "smart_router/ratelimit/class_bucket.hpp"
#include "smart_router/ratelimit/class_limits.hpp"
#include "smart_router/ratelimit/client_table.hpp"
#include "smart_router/ratelimit/fleet_lease.hpp"

namespace smart_router::ratelimit {

// rate_limits.*.burst when absent: one second's worth.
std::uint32_t effective_burst(const config::RateLimit& r);

class RateLimitState {
 public:
  RateLimitState();

  // The limits of class `class_name` (upper-case) under `cfg`; counters come from `metrics`.
  // Also applies cfg.max_client_keys to the client table. Thread-safe (a reload and
  // --check-config never race, but this costs nothing).
  ClassLimits limits_for(const config::RateLimits& cfg, const std::string& class_name,
                         observability::Metrics& metrics);

  const ClientTable& clients() const { return *clients_; }

  // The fleet buckets of the last config compiled, by class (the sync leases for these).
  struct FleetBucket {
    std::string class_name;
    std::shared_ptr<FleetLease> lease;
  };
  std::vector<FleetBucket> fleet_buckets();
  // What a fleet bucket calls when its lease runs low (set once, before any config compiles).
  void set_fleet_waker(std::function<void()> wake) { fleet_waker_ = std::move(wake); }

 private:
  struct ClientPolicyId {
    Rate rate;
    config::ClientKeyKind kind;
    std::string header;
    std::uint32_t id;
  };

  std::mutex mutex_;
  std::shared_ptr<ClientTable> clients_;
  std::map<std::string, std::shared_ptr<ClassBucket>> class_buckets_;  // by class name
  std::map<std::string, std::shared_ptr<FleetLease>> fleet_leases_;    // by class name
  std::function<void()> fleet_waker_;
  std::map<std::string, ClientPolicyId> client_policies_;  // by class name
  std::uint32_t next_policy_id_ = 1;
};

}  // namespace smart_router::ratelimit
