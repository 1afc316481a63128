// The contract's default tier classes and routes, used when the file omits the keys.
#pragma once

#include <vector>

#include "smart_router/config/config.hpp"

namespace smart_router::config {

// LITE, PRO -> shared; ELITE, BLACK, OBSIDIAN, VOID -> premium.
std::vector<TierClass> default_tier_classes();

// premium-paths, premium-paths-denied, by-tier.
std::vector<Route> default_routes();

}  // namespace smart_router::config
