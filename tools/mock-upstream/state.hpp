// Process-wide state shared by every connection on every thread (atomics, and the capacity
// gate, which locks).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "capacity.hpp"

namespace mock_upstream {

struct State {
  explicit State(std::string upstream_name) : name(std::move(upstream_name)) {}

  const std::string name;
  std::atomic<std::uint64_t> connections_accepted{0};  // also the source of connection ids
  std::atomic<std::uint64_t> requests{0};              // everything but /health and /admin/*
  std::atomic<std::uint64_t> health_checks{0};         // requests to /health
  std::atomic<bool> healthy{true};                     // flipped by /admin/health/{fail,ok}
  // Requests whose client closed before the answer was sent (queued, in service, delay_ms, hang).
  std::atomic<std::uint64_t> cancelled{0};
  std::unique_ptr<Capacity> capacity;  // set in capacity mode (--slots), before any connection
};

}  // namespace mock_upstream
