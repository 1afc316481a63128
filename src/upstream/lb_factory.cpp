#include <random>

#include "smart_router/upstream/load_balancer.hpp"

namespace smart_router::upstream {

std::unique_ptr<LoadBalancer> make_load_balancer(config::LoadBalancing policy) {
  switch (policy) {
    case config::LoadBalancing::round_robin:
      return make_round_robin();
    case config::LoadBalancing::random:
      return make_random();
    case config::LoadBalancing::least_request:
      break;
  }
  return make_least_request();
}

std::uint64_t lb_random() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng();
}

}  // namespace smart_router::upstream
