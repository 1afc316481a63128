// Reads and validates the YAML config. Every problem is reported, each with its place in the
// file, never silently replaced by a default.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smart_router/config/config.hpp"

namespace smart_router::config {

struct ConfigError {
  std::string path;  // the file name as given
  int line = 0;      // 1-based; 0 when the error has no place (e.g. file unreadable)
  int column = 0;
  std::string message;

  // "PATH:LINE:COL: message" (or "PATH: message" without a place).
  std::string to_string() const;
};

struct LoadResult {
  std::optional<Config> config;  // set only when errors is empty
  std::vector<ConfigError> errors;
};

using EnvLookup = std::function<const char*(const char*)>;

// Reads PATH, parses, applies environment overrides (TIER_ROUTING_ENABLED, SHARED_ENDPOINT,
// PREMIUM_ENDPOINT) through `env`, then validates.
LoadResult load_config_file(const std::string& path, const EnvLookup& env);

// Same from a string; `path` is only used in messages.
LoadResult load_config_string(std::string_view yaml, const std::string& path, const EnvLookup& env);

}  // namespace smart_router::config
