// The threshold flip of active health checking, as pure logic: `healthy_threshold` passes in a
// row make an endpoint healthy, `unhealthy_threshold` failures in a row make it unhealthy. The
// first result decides at once, so a fresh router does not wait several intervals.
#pragma once

#include <cstdint>
#include <optional>

#include "smart_router/upstream/endpoint.hpp"

namespace smart_router::health {

class HealthState {
 public:
  HealthState(std::uint32_t healthy_threshold, std::uint32_t unhealthy_threshold)
      : healthy_threshold_(healthy_threshold), unhealthy_threshold_(unhealthy_threshold) {}

  // Records one probe result; returns the new state when it changed.
  std::optional<upstream::ActiveHealth> observe(bool passed);
  upstream::ActiveHealth current() const { return current_; }

 private:
  std::uint32_t healthy_threshold_;
  std::uint32_t unhealthy_threshold_;
  upstream::ActiveHealth current_ = upstream::ActiveHealth::unknown;
  std::uint32_t passes_ = 0;
  std::uint32_t failures_ = 0;
};

}  // namespace smart_router::health
