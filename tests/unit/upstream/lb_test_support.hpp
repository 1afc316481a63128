// Endpoints for the load-balancer tests.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "smart_router/upstream/endpoint.hpp"
#include "smart_router/upstream/load_balancer.hpp"

namespace lb_test {

struct Candidates {
  std::vector<std::unique_ptr<smart_router::upstream::Endpoint>> owned;
  std::vector<smart_router::upstream::Endpoint*> ptrs;

  explicit Candidates(int n) {
    for (int i = 0; i < n; ++i) {
      owned.push_back(std::make_unique<smart_router::upstream::Endpoint>(
          "shared", "127.0.0.1:" + std::to_string(9001 + i)));
      ptrs.push_back(owned.back().get());
    }
  }
  smart_router::upstream::Endpoint& operator[](std::size_t i) { return *owned[i]; }
  std::span<smart_router::upstream::Endpoint* const> span() const { return ptrs; }
};

inline std::map<smart_router::upstream::Endpoint*, int> count_picks(
    smart_router::upstream::LoadBalancer& lb, const Candidates& c, int rounds) {
  std::map<smart_router::upstream::Endpoint*, int> counts;
  for (int i = 0; i < rounds; ++i) ++counts[lb.pick(c.span())];
  return counts;
}

}  // namespace lb_test
