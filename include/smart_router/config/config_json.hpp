// The effective config as JSON, in the file's shape (for GET /debug/config and /debug/routes).
// Secrets never appear: the config holds only where they come from (the JWT secret's variable
// name, key file paths), and that is all that is written.
#pragma once

#include <nlohmann/json.hpp>

#include "smart_router/config/config.hpp"

namespace smart_router::config {

nlohmann::ordered_json to_json(const Config& c);
nlohmann::ordered_json to_json(const RouteMatch& m);  // only the keys the route sets

}  // namespace smart_router::config
