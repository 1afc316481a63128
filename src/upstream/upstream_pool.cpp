#include "smart_router/upstream/upstream_pool.hpp"

#include <algorithm>

namespace smart_router::upstream {

UpstreamPool::UpstreamPool(config::Pool cfg, std::vector<std::shared_ptr<Endpoint>> endpoints)
    : cfg_(std::move(cfg)),
      endpoints_(std::move(endpoints)),
      lb_(make_load_balancer(cfg_.load_balancing)) {
  if (!cfg_.tls.enabled) return;
  namespace ssl = boost::asio::ssl;
  tls_context_ = std::make_unique<ssl::context>(ssl::context::tls_client);
  tls_context_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                            ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                            ssl::context::no_tlsv1_1);
  // Throws boost::system::system_error on an unreadable CA file (the validator checks first).
  if (cfg_.tls.ca_file.empty())
    tls_context_->set_default_verify_paths();
  else
    tls_context_->load_verify_file(cfg_.tls.ca_file);
}

Endpoint* UpstreamPool::pick(std::span<Endpoint* const> exclude, std::int64_t now_ms) const {
  // Pools are small (a handful of endpoints): a stack array keeps the hot path allocation-free.
  constexpr std::size_t kStack = 64;
  Endpoint* stack[kStack];
  std::vector<Endpoint*> heap;
  Endpoint** candidates = stack;
  if (endpoints_.size() > kStack) {
    heap.resize(endpoints_.size());
    candidates = heap.data();
  }
  std::size_t n = 0;
  for (const auto& ep : endpoints_) {
    if (!ep->routable(now_ms)) continue;
    if (std::find(exclude.begin(), exclude.end(), ep.get()) != exclude.end()) continue;
    candidates[n++] = ep.get();
  }
  if (n == 0) return nullptr;
  return lb_->pick(std::span<Endpoint* const>(candidates, n));
}

bool UpstreamPool::report_failure(Endpoint& ep, std::int64_t now_ms) const {
  const auto& od = cfg_.outlier_detection;
  const auto failures = ep.note_failure();
  if (od.consecutive_failures == 0 || failures < od.consecutive_failures) return false;
  if (ep.ejected(now_ms)) return false;
  std::size_t ejected = 0;
  for (const auto& other : endpoints_)
    if (other->ejected(now_ms)) ++ejected;
  // Never eject past max_ejection_percent of the pool (at least one endpoint may go if > 0).
  const auto allowed = std::max<std::size_t>(od.max_ejection_percent > 0 ? 1 : 0,
                                             endpoints_.size() * od.max_ejection_percent / 100);
  if (ejected + 1 > allowed) return false;
  ep.eject_until(now_ms + od.ejection_ms);
  ep.note_success();  // start counting afresh after the ejection
  return true;
}

std::size_t UpstreamPool::healthy_count(std::int64_t now_ms) const {
  std::size_t n = 0;
  const bool checked = cfg_.health_check.enabled;
  for (const auto& ep : endpoints_) {
    // Without active checks an endpoint is healthy until passive detection ejects it.
    const bool passed = !checked || ep->active_health() == ActiveHealth::healthy;
    if (passed && !ep->ejected(now_ms)) ++n;
  }
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
