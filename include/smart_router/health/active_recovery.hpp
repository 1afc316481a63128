// What a change of an endpoint's active health does to it.
#pragma once

#include "smart_router/upstream/endpoint.hpp"

namespace smart_router::health {

// Sets the endpoint's active health to `now`. A recovery (unhealthy, then healthy: a crashed
// upstream restarted) also ends a passive ejection and its failure count, as Envoy's
// successful_active_health_check_uneject_host, instead of ejection_ms later: the chaos run found
// 502s from a pool whose other endpoint died while the restarted one was still ejected.
// Returns whether an ejection was ended.
bool apply_active_health(upstream::Endpoint& ep, upstream::ActiveHealth now, std::int64_t now_ms);

}  // namespace smart_router::health
