#include <atomic>

#include "smart_router/upstream/load_balancer.hpp"

namespace smart_router::upstream {
namespace {

class RoundRobin final : public LoadBalancer {
 public:
  Endpoint* pick(std::span<Endpoint* const> candidates) override {
    const auto n = next_.fetch_add(1, std::memory_order_relaxed);
    return candidates[n % candidates.size()];
  }

 private:
  std::atomic<std::uint64_t> next_{0};
};

}  // namespace

std::unique_ptr<LoadBalancer> make_round_robin() {
  return std::make_unique<RoundRobin>();
}

}  // namespace smart_router::upstream
