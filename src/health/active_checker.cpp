#include "smart_router/health/active_checker.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "smart_router/health/active_recovery.hpp"
#include "smart_router/health/ejection_watch.hpp"
#include "smart_router/health/health_state.hpp"
#include "smart_router/health/http_probe.hpp"
#include "smart_router/upstream/load_balancer.hpp"

namespace smart_router::health {
namespace net = boost::asio;

namespace {

const char* health_name(upstream::ActiveHealth h) {
  switch (h) {
    case upstream::ActiveHealth::healthy:
      return "healthy";
    case upstream::ActiveHealth::unhealthy:
      return "unhealthy";
    case upstream::ActiveHealth::unknown:
      break;
  }
  return "unknown";
}

net::awaitable<void> probe_loop(std::shared_ptr<upstream::Endpoint> ep,
                                std::shared_ptr<upstream::UpstreamPool> owner, config::Pool pool,
                                std::shared_ptr<bool> running, prometheus::Gauge* healthy_gauge) {
  const auto& hc = pool.health_check;
  HealthState state(hc.healthy_threshold, hc.unhealthy_threshold);
  net::steady_timer timer(co_await net::this_coro::executor);
  while (*running) {
    const bool passed = co_await probe_http(ep, hc, pool.connect_timeout_ms, owner->tls_params());
    if (!*running) break;
    if (auto changed = state.observe(passed)) {
      if (apply_active_health(*ep, *changed, upstream::steady_now_ms()))
        spdlog::info("pool {} endpoint {} passes its health check again: its ejection ends",
                     pool.name, ep->address());
      healthy_gauge->Set(*changed == upstream::ActiveHealth::healthy ? 1 : 0);
      const auto level =
          *changed == upstream::ActiveHealth::healthy ? spdlog::level::info : spdlog::level::warn;
      spdlog::log(level, "pool {} endpoint {} is now {} (health check {})", pool.name,
                  ep->address(), health_name(*changed), hc.path);
    }
    // Up to 10% jitter so probes of many routers do not arrive in lockstep.
    const auto jitter =
        hc.interval_ms / 10 == 0 ? 0 : upstream::lb_random() % (hc.interval_ms / 10);
    timer.expires_after(std::chrono::milliseconds(hc.interval_ms + jitter));
    co_await timer.async_wait(net::as_tuple(net::use_awaitable));
  }
}

}  // namespace

ActiveChecker::ActiveChecker(net::io_context& ioc, observability::Metrics& metrics)
    : ioc_(ioc), metrics_(metrics) {}

ActiveChecker::~ActiveChecker() {
  stop();
}

void ActiveChecker::stop() {
  if (running_) *running_ = false;
  running_.reset();
}

void ActiveChecker::watch(const std::vector<std::shared_ptr<upstream::UpstreamPool>>& pools) {
  stop();
  running_ = std::make_shared<bool>(true);
  constexpr std::uint32_t kEjectionWatchMs = 250;
  net::co_spawn(ioc_, watch_ejections(pools, running_, kEjectionWatchMs), net::detached);
  for (const auto& pool : pools) {
    for (const auto& ep : pool->endpoints()) {
      auto& healthy = metrics_.upstream_healthy(pool->name(), ep->address());
      // The series exists from the start; its value is read off the endpoint at each scrape.
      metrics_.upstream_ejected(pool->name(), ep->address());
      if (!pool->config().health_check.enabled) {
        ep->set_active_health(upstream::ActiveHealth::unknown);  // routable, never probed
        healthy.Set(1);
        continue;
      }
      healthy.Set(ep->active_health() == upstream::ActiveHealth::healthy ? 1 : 0);
      net::co_spawn(ioc_, probe_loop(ep, pool, pool->config(), running_, &healthy), net::detached);
    }
  }
}

}  // namespace smart_router::health
