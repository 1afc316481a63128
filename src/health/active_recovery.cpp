#include "smart_router/health/active_recovery.hpp"

namespace smart_router::health {

bool apply_active_health(upstream::Endpoint& ep, upstream::ActiveHealth now, std::int64_t now_ms) {
  const auto was = ep.active_health();
  ep.set_active_health(now);
  if (was != upstream::ActiveHealth::unhealthy || now != upstream::ActiveHealth::healthy ||
      !ep.ejected(now_ms))
    return false;
  ep.eject_until(0);
  ep.note_success();
  return true;
}

}  // namespace smart_router::health
