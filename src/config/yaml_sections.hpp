// The schema of each top-level section, read with yaml_reader. One function per section.
#pragma once

#include <vector>

#include "smart_router/config/config.hpp"
#include "smart_router/config/marks.hpp"
#include "yaml_reader.hpp"

namespace smart_router::config::yaml {

void load_server(Reader& r, const Field& f, Server& out);      // yaml_server.cpp
void load_admin(Reader& r, const Field& f, Admin& out);        // yaml_server.cpp
void load_overload(Reader& r, const Field& f, Overload& out);  // yaml_server.cpp
void load_logging(Reader& r, const Field& f, Logging& out);    // yaml_server.cpp

// Fills the contract's classes when `classes` is absent.
void load_tiers(Reader& r, const Field& f, Tiers& out, std::vector<FieldMarks>& class_marks);

void load_rate_limits(Reader& r, const Field& f, RateLimits& out);  // yaml_rate_limits.cpp

// `f` is the `routes` list (present).
void load_routes(Reader& r, const Field& f, std::vector<Route>& out,
                 std::vector<FieldMarks>& route_marks);

// `f` is the `pools` mapping (present).
void load_pools(Reader& r, const Field& f, std::vector<Pool>& out,
                std::vector<FieldMarks>& pool_marks);

}  // namespace smart_router::config::yaml
