// A named pool: its endpoints, its load-balancing policy and its passive outlier detection.
// Built per config snapshot; endpoints come from the EndpointRegistry so their health survives
// reloads.
#pragma once

#include <memory>
#include <optional>
#include <span>
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

  // The index in endpoints() of an endpoint to try, not in `exclude`; nullopt when there is
  // none. Endpoints that fail active checks are never picked. Ejected ones are skipped unless
  // fewer than panic_threshold_percent of the rest are free of ejection: then the pool is in
  // panic and ejections are ignored, so passive detection can never shut a pool out.
  std::optional<std::size_t> pick(std::span<Endpoint* const> exclude, std::int64_t now_ms) const;

  // Passive outlier detection. An endpoint is ejected for ejection_ms after
  // consecutive_failures in a row, only when a peer is doing better (fewer than half as many
  // failures in a row; a failure the whole pool
  // shares is the pool's load, not this endpoint's fault) and only within max_ejection_percent
  // of the pool, rounded down. Returns whether it was ejected now. Logs at warn.
  void report_success(Endpoint& ep) const { ep.note_success(); }
  bool report_failure(Endpoint& ep, EndpointFailure why, std::int64_t now_ms) const;
  // Logs, once each, the ejections that ended by `now_ms`; returns how many.
  std::size_t announce_ended_ejections(std::int64_t now_ms) const;

  // Endpoints usable by the active checks' view (passing, or never probed with checks off):
  // what /ready reports as healthy. Ejections do not count here (see README, "/ready").
  std::size_t healthy_count() const;
  // Endpoints ejected right now.
  std::size_t ejected_count(std::int64_t now_ms) const;
  // Whether the pool ignores ejections right now (see pick).
  bool in_panic(std::int64_t now_ms) const;

  // TLS towards the endpoints (tls.enabled), or a null context for plain TCP.
  upstream::UpstreamTlsParams tls_params() const {
    return {tls_context_.get(), cfg_.tls.sni, cfg_.tls.verify};
  }

 private:
  config::Pool cfg_;
  std::vector<std::shared_ptr<Endpoint>> endpoints_;
  std::unique_ptr<LoadBalancer> lb_;
  std::shared_ptr<boost::asio::ssl::context> tls_context_;

  struct Counts {
    std::size_t available = 0;  // not failed by active checks
    std::size_t routable = 0;   // ... and not ejected
  };
  Counts counts(std::int64_t now_ms) const;
  bool panics(const Counts& c) const;
  bool peer_does_better(const Endpoint& ep, std::int64_t now_ms) const;
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
