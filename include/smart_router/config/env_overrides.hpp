// Step 2 of loading: the Deployment's environment overrides, applied after the file is read.
#pragma once

#include <vector>

#include "smart_router/config/config.hpp"
#include "smart_router/config/loader.hpp"
#include "smart_router/config/marks.hpp"

namespace smart_router::config {

inline constexpr const char* kTierRoutingEnabledEnv = "TIER_ROUTING_ENABLED";
inline constexpr const char* kSharedEndpointEnv = "SHARED_ENDPOINT";
inline constexpr const char* kPremiumEndpointEnv = "PREMIUM_ENDPOINT";
inline constexpr const char* kRedisUrlEnv = "REDIS_URL";

// TIER_ROUTING_ENABLED: true|1|yes / false|0|no (any case). SHARED_ENDPOINT / PREMIUM_ENDPOINT:
// comma-separated host:port list replacing the endpoints of pool `shared` / `premium`. An
// unset or empty variable changes nothing. Errors have the variable as path and line 0; a
// rejected variable changes nothing. `marks` (may be null) loses the replaced endpoints' marks.
std::vector<ConfigError> apply_env_overrides(Config& config, ConfigMarks* marks,
                                             const EnvLookup& env);

}  // namespace smart_router::config
