// Picks one endpoint out of the routable candidates. One policy per file.
#pragma once

#include <memory>
#include <span>

#include "smart_router/config/config.hpp"
#include "smart_router/upstream/endpoint.hpp"

namespace smart_router::upstream {

class LoadBalancer {
 public:
  virtual ~LoadBalancer() = default;
  // `candidates` is never empty.
  virtual Endpoint* pick(std::span<Endpoint* const> candidates) = 0;
};

std::unique_ptr<LoadBalancer> make_round_robin();
std::unique_ptr<LoadBalancer> make_least_request();
std::unique_ptr<LoadBalancer> make_random();
std::unique_ptr<LoadBalancer> make_load_balancer(config::LoadBalancing policy);

// Thread-local fast random numbers for the policies.
std::uint64_t lb_random();

}  // namespace smart_router::upstream
