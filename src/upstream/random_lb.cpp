#include "smart_router/upstream/load_balancer.hpp"

namespace smart_router::upstream {
namespace {

class Random final : public LoadBalancer {
 public:
  Endpoint* pick(std::span<Endpoint* const> candidates) override {
    return candidates[lb_random() % candidates.size()];
  }
};

}  // namespace

std::unique_ptr<LoadBalancer> make_random() {
  return std::make_unique<Random>();
}

}  // namespace smart_router::upstream
