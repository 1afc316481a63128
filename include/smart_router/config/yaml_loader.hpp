// Step 1 of loading: YAML text -> Config structs. Checks shape only (unknown keys, types, enum
// spellings, one action per route); cross-references are the validator's job.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "smart_router/config/config.hpp"
#include "smart_router/config/loader.hpp"
#include "smart_router/config/marks.hpp"

namespace smart_router::config {

struct ParsedConfig {
  Config config;
  ConfigMarks marks;
  std::vector<ConfigError> errors;
  // False when the text is not a usable document at all (syntax error, empty, not a mapping):
  // `config` is then meaningless and later steps must not run.
  bool document_ok = false;
};

// `path` is only used in errors.
ParsedConfig parse_config_yaml(std::string_view yaml, const std::string& path);

}  // namespace smart_router::config
