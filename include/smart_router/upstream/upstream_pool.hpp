// A named pool: its endpoints, its load-balancing policy and its passive outlier detection.
// Built per config snapshot; endpoints come from the EndpointRegistry so their health survives
// reloads.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "smart_router/config/config.hpp"
#include "smart_router/upstream/connection_pool.hpp"
#include "smart_router/upstream/endpoint.hpp"
#include "smart_router/upstream/load_balancer.hpp"
#include "smart_router/upstream/upstream_connector.hpp"

namespace smart_router::upstream {

class UpstreamPool {
 public:
  UpstreamPool(config::Pool cfg, std::vector<std::shared_ptr<Endpoint>> endpoints);

  const config::Pool& config() const { return cfg_; }
  const std::string& name() const { return cfg_.name; }
  const std::vector<std::shared_ptr<Endpoint>>& endpoints() const { return endpoints_; }

  // A routable endpoint not in `exclude`, or nullptr when there is none.
  Endpoint* pick(std::span<Endpoint* const> exclude, std::int64_t now_ms) const;

  // Passive outlier detection: consecutive failures eject an endpoint for ejection_ms, unless
  // that would eject more than max_ejection_percent of the pool.
  void report_success(Endpoint& ep) const { ep.note_success(); }
  bool report_failure(Endpoint& ep, std::int64_t now_ms) const;

  // Endpoints whose last active check passed and that are not ejected.
  std::size_t healthy_count(std::int64_t now_ms) const;

  // TLS towards the endpoints (tls.enabled), or a null context for plain TCP.
  upstream::UpstreamTlsParams tls_params() const {
    return {tls_context_.get(), cfg_.tls.sni, cfg_.tls.verify};
  }

 private:
  config::Pool cfg_;
  std::vector<std::shared_ptr<Endpoint>> endpoints_;
  std::unique_ptr<LoadBalancer> lb_;
  std::unique_ptr<boost::asio::ssl::context> tls_context_;
};

// Keeps one Endpoint object per (pool, address) alive across reloads.
class EndpointRegistry {
 public:
  std::shared_ptr<Endpoint> get(const std::string& pool, const std::string& address);

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::weak_ptr<Endpoint>> endpoints_;
};

}  // namespace smart_router::upstream
