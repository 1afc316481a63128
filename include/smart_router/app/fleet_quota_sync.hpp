// Keeps the fleet buckets' leases (ratelimit/fleet_lease.hpp) topped up from Redis, on the
// control thread: every rate_limits.redis.sync_interval_ms, and at once when a lease runs low.
// Each exchange is one pipelined batch, one script call per bucket that needs tokens; the
// script runs GCRA on Redis's own clock, so routers' clocks need not agree.
//
// Redis unreachable, or an exchange failing: every fleet bucket fails open until an exchange
// succeeds again (logged once per outage at warn, smart_router_fleet_quota_connected 0); the
// connection is tried again after 100 ms, 200 ms, ... at most 2 s. While an exchange is under
// way (at most timeout_ms) routers spend what they hold and refuse past it.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <string>

#include "smart_router/config/config.hpp"
#include "smart_router/config/redis_url.hpp"
#include "smart_router/observability/metrics.hpp"
#include "smart_router/ratelimit/rate_limit_state.hpp"

namespace smart_router::app {

class FleetQuotaSync {
 public:
  FleetQuotaSync(boost::asio::io_context& control, ratelimit::RateLimitState& state,
                 observability::Metrics& metrics);
  ~FleetQuotaSync();
  FleetQuotaSync(const FleetQuotaSync&) = delete;
  FleetQuotaSync& operator=(const FleetQuotaSync&) = delete;

  // What a config asks for; nullopt when no class has a fleet limit.
  struct Plan {
    config::FleetRedis settings;
    config::RedisUrl url;
    std::shared_ptr<boost::asio::ssl::context> tls;  // rediss://: verifies Redis's certificate
  };
  // Throws std::invalid_argument: a URL or CA file that cannot be used.
  static std::optional<Plan> plan(const config::RateLimits& limits);

  // Starts syncing for `plan` (one like the running one keeps it running: a reload does not
  // reconnect).
  void install(std::optional<Plan> plan);
  void stop();
  // From any thread: sync now (a lease ran low).
  void wake();

 private:
  boost::asio::awaitable<void> run(std::shared_ptr<bool> running, Plan plan);

  boost::asio::io_context& control_;
  ratelimit::RateLimitState& state_;
  observability::Metrics& metrics_;
  boost::asio::steady_timer tick_;         // the loop's wait; wake() cuts it short
  std::atomic<bool> wake_pending_{false};  // a wake() not yet acted on
  std::optional<Plan> current_;
  std::shared_ptr<bool> running_;
};

}  // namespace smart_router::app
