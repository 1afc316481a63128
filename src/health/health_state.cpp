#include "smart_router/health/health_state.hpp"

namespace smart_router::health {

using upstream::ActiveHealth;

std::optional<ActiveHealth> HealthState::observe(bool passed) {
  if (passed) {
    ++passes_;
    failures_ = 0;
  } else {
    ++failures_;
    passes_ = 0;
  }
  ActiveHealth next = current_;
  if (current_ == ActiveHealth::unknown) {
    next = passed ? ActiveHealth::healthy : ActiveHealth::unhealthy;
  } else if (passed && passes_ >= healthy_threshold_) {
    next = ActiveHealth::healthy;
  } else if (!passed && failures_ >= unhealthy_threshold_) {
    next = ActiveHealth::unhealthy;
  }
  if (next == current_) return std::nullopt;
  current_ = next;
  return next;
}

}  // namespace smart_router::health
