// Names of the config enums as written in YAML, both ways.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "smart_router/config/config.hpp"

namespace smart_router::config {

std::string_view to_string(TrustMode v);
std::string_view to_string(FallbackPolicy v);  // "default" | "reject"
std::string_view to_string(LoadBalancing v);
std::string_view to_string(LogLevel v);
std::string_view to_string(RouteActionKind v);

// Exact (case-sensitive) YAML spelling -> value.
std::optional<TrustMode> parse_trust_mode(std::string_view s);
std::optional<FallbackPolicy> parse_fallback_policy(std::string_view s);
std::optional<LoadBalancing> parse_load_balancing(std::string_view s);
std::optional<LogLevel> parse_log_level(std::string_view s);

// Every accepted spelling, in documentation order (for messages).
std::vector<std::string_view> trust_mode_names();
std::vector<std::string_view> fallback_policy_names();
std::vector<std::string_view> load_balancing_names();
std::vector<std::string_view> log_level_names();

}  // namespace smart_router::config
