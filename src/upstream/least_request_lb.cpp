#include "smart_router/upstream/load_balancer.hpp"

namespace smart_router::upstream {
namespace {

// Power of two choices (as Envoy's least_request): two random candidates, the one with fewer
// requests in flight wins. Scales to many endpoints and avoids herding on one "least" endpoint.
class LeastRequest final : public LoadBalancer {
 public:
  Endpoint* pick(std::span<Endpoint* const> candidates) override {
    const auto n = candidates.size();
    if (n == 1) return candidates[0];
    const auto r = lb_random();
    const auto i = r % n;
    auto j = (r >> 32) % (n - 1);
    if (j >= i) ++j;
    Endpoint* a = candidates[i];
    Endpoint* b = candidates[j];
    const auto load_a = a->active_requests.load(std::memory_order_relaxed);
    const auto load_b = b->active_requests.load(std::memory_order_relaxed);
    return load_b < load_a ? b : a;
  }
};

}  // namespace

std::unique_ptr<LoadBalancer> make_least_request() {
  return std::make_unique<LeastRequest>();
}

}  // namespace smart_router::upstream
