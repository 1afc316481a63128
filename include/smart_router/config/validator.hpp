// Step 3 of loading: semantic checks on the structs (cross-references, ranges, duplicates,
// addresses, CIDRs, regexes, files). Reports every problem.
#pragma once

#include <string>
#include <vector>

#include "smart_router/config/config.hpp"
#include "smart_router/config/loader.hpp"
#include "smart_router/config/marks.hpp"

namespace smart_router::config {

// `marks` gives each error its place; `path` names the file in errors.
std::vector<ConfigError> validate_config(const Config& config, const ConfigMarks& marks,
                                         const std::string& path);

// For a config built in code: errors carry no line.
std::vector<ConfigError> validate_config(const Config& config, const std::string& path);

}  // namespace smart_router::config
