#include "smart_router/upstream/upstream_pool.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "smart_router/upstream/client_tls.hpp"

namespace smart_router::upstream {

UpstreamPool::UpstreamPool(config::Pool cfg, std::vector<std::shared_ptr<Endpoint>> endpoints)
    : cfg_(std::move(cfg)),
      endpoints_(std::move(endpoints)),
      lb_(make_load_balancer(cfg_.load_balancing)) {
  if (!cfg_.tls.enabled) return;
  // Throws boost::system::system_error on an unreadable CA file (the validator checks first).
  boost::system::error_code ec;
  tls_context_ = make_client_tls_context(cfg_.tls.ca_file, ec);
  if (ec) throw boost::system::system_error(ec, cfg_.tls.ca_file);
}

UpstreamPool::Counts UpstreamPool::counts(std::int64_t now_ms) const {
  Counts c;
  for (const auto& ep : endpoints_) {
    if (ep->active_health() == ActiveHealth::unhealthy) continue;
    ++c.available;
    if (!ep->ejected(now_ms)) ++c.routable;
  }
  return c;
}

bool UpstreamPool::panics(const Counts& c) const {
  const auto threshold = cfg_.outlier_detection.panic_threshold_percent;
  return c.routable * 100 < threshold * c.available;
}

bool UpstreamPool::in_panic(std::int64_t now_ms) const {
  return panics(counts(now_ms));
}

std::optional<std::size_t> UpstreamPool::pick(std::span<Endpoint* const> exclude,
                                              std::int64_t now_ms) const {
  const bool ignore_ejections = panics(counts(now_ms));
  // Pools are small (a handful of endpoints): stack arrays keep the hot path allocation-free.
  constexpr std::size_t kStack = 64;
  Endpoint* stack[kStack];
  std::size_t stack_index[kStack];
  std::vector<Endpoint*> heap;
  std::vector<std::size_t> heap_index;
  Endpoint** candidates = stack;
  std::size_t* index = stack_index;
  if (endpoints_.size() > kStack) {
    heap.resize(endpoints_.size());
    heap_index.resize(endpoints_.size());
    candidates = heap.data();
    index = heap_index.data();
  }
  std::size_t n = 0;
  for (std::size_t i = 0; i < endpoints_.size(); ++i) {
    Endpoint* ep = endpoints_[i].get();
    if (ep->active_health() == ActiveHealth::unhealthy) continue;
    if (!ignore_ejections && ep->ejected(now_ms)) continue;
    if (std::find(exclude.begin(), exclude.end(), ep) != exclude.end()) continue;
    index[n] = i;
    candidates[n++] = ep;
  }
  if (n == 0) return std::nullopt;
  const Endpoint* chosen = lb_->pick(std::span<Endpoint* const>(candidates, n));
  for (std::size_t k = 0; k < n; ++k)
    if (candidates[k] == chosen) return index[k];
  return std::nullopt;  // unreachable: a policy picks one of the candidates
}

bool UpstreamPool::peer_does_better(const Endpoint& ep, std::int64_t now_ms) const {
  // Doing better: fewer than half as many failures in a row. A peer close to the threshold
  // fails alike (under overload the failures of a pool's endpoints interleave).
  const auto half = (cfg_.outlier_detection.consecutive_failures + 1) / 2;
  for (const auto& other : endpoints_) {
    if (other.get() == &ep || !other->routable(now_ms)) continue;
    if (other->consecutive_failures() < half) return true;
  }
  return false;
}

bool UpstreamPool::report_failure(Endpoint& ep, EndpointFailure why, std::int64_t now_ms) const {
  const auto& od = cfg_.outlier_detection;
  const auto failures = ep.note_failure(why);
  if (od.consecutive_failures == 0 || failures < od.consecutive_failures) return false;
  if (ep.ejected(now_ms)) return false;
  std::size_t ejected = 0;
  for (const auto& other : endpoints_)
    if (other->ejected(now_ms)) ++ejected;
  // Rounded down: 50% of one endpoint is none, so a lone endpoint is never ejected.
  const auto allowed = endpoints_.size() * od.max_ejection_percent / 100;
  const char* kept_because = nullptr;
  if (ejected + 1 > allowed)
    kept_because = "max_ejection_percent would be exceeded";
  else if (!peer_does_better(ep, now_ms))
    kept_because = "no peer in the pool is doing better (the pool, not the endpoint, is failing)";
  if (kept_because != nullptr) {
    if (ep.may_warn_kept(now_ms, od.ejection_ms))
      spdlog::warn(
          "pool {} endpoint {} not ejected after {} consecutive failures (last: {}): {}; {} of {} "
          "endpoints ejected, max_ejection_percent {}",
          cfg_.name, ep.address(), failures, failure_name(why), kept_because, ejected,
          endpoints_.size(), od.max_ejection_percent);
    return false;
  }
  ep.eject_until(now_ms + od.ejection_ms);
  ep.note_success();  // start counting afresh after the ejection
  const auto nth = ep.note_ejected();
  spdlog::warn(
      "pool {} endpoint {} ejected for {} ms after {} consecutive failures (last: {}); {} of {} "
      "endpoints now ejected; ejection #{} of this endpoint",
      cfg_.name, ep.address(), od.ejection_ms, failures, failure_name(why), ejected + 1,
      endpoints_.size(), nth);
  return true;
}

std::size_t UpstreamPool::announce_ended_ejections(std::int64_t now_ms) const {
  std::size_t n = 0;
  for (const auto& ep : endpoints_) {
    if (!ep->take_ended_ejection(now_ms)) continue;
    ++n;
    const auto c = counts(now_ms);
    spdlog::warn(
        "pool {} endpoint {} back in rotation: its ejection ended; {} of {} endpoints routable; "
        "{} ejection(s) of this endpoint so far",
        cfg_.name, ep->address(), c.routable, endpoints_.size(), ep->ejections());
  }
  return n;
}

std::size_t UpstreamPool::healthy_count() const {
  if (!cfg_.health_check.enabled) return endpoints_.size();
  std::size_t n = 0;
  for (const auto& ep : endpoints_)
    if (ep->active_health() == ActiveHealth::healthy) ++n;
  return n;
}

std::size_t UpstreamPool::ejected_count(std::int64_t now_ms) const {
  std::size_t n = 0;
  for (const auto& ep : endpoints_)
    if (ep->ejected(now_ms)) ++n;
  return n;
}

std::shared_ptr<Endpoint> EndpointRegistry::get(const std::string& pool,
                                                const std::string& address) {
  std::lock_guard lock(mutex_);
  const std::string key = pool + '\n' + address;
  if (auto existing = endpoints_[key].lock()) return existing;
  auto ep = std::make_shared<Endpoint>(pool, address);
  endpoints_[key] = ep;
  return ep;
}

}  // namespace smart_router::upstream
