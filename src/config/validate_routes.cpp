// routes checks: names, match keys (paths, regexes, methods, headers, tiers), actions.
#include <regex>

#include "text.hpp"
#include "validation.hpp"

namespace smart_router::config {

namespace {

void validate_paths(Validation& v, const FieldMarks& m, const std::string& path,
                    const std::vector<std::string>& paths) {
  for (std::size_t i = 0; i < paths.size(); ++i)
    if (paths[i].empty() || paths[i].front() != '/')
      v.error(m, path + "[" + std::to_string(i) + "]",
              "must start with '/', got " + quote(paths[i]));
}

void validate_match(Validation& v, const FieldMarks& m, const RouteMatch& match) {
  const std::string base = m.path + ".match";
  validate_paths(v, m, base + ".path_prefix", match.path_prefix);
  validate_paths(v, m, base + ".path_exact", match.path_exact);
  for (std::size_t i = 0; i < match.path_regex.size(); ++i) {
    try {
      std::regex re(match.path_regex[i], std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      v.error(m, base + ".path_regex[" + std::to_string(i) + "]",
              "invalid regex " + quote(match.path_regex[i]) + ": " + e.what());
    }
  }
  for (std::size_t i = 0; i < match.methods.size(); ++i)
    if (!is_http_token(match.methods[i]))
      v.error(m, base + ".methods[" + std::to_string(i) + "]",
              "invalid method " + quote(match.methods[i]));
  for (std::size_t i = 0; i < match.tiers.size(); ++i)
    if (!v.class_exists(match.tiers[i]) && !v.config.tiers.classes.empty())
      v.error(m, base + ".tiers[" + std::to_string(i) + "]",
              "unknown class " + quote(match.tiers[i]) + " (known: " + v.class_names() + ")");
  std::vector<std::string> seen;
  for (const auto& [name, values] : match.headers) {
    std::string path = base + ".headers.";
    path += name;
    if (!is_http_token(name)) v.error(m, path, "invalid header name " + quote(name));
    if (values.empty()) v.error(m, path, "at least one accepted value is required");
    for (const auto& s : seen)
      if (iequals(s, name))
        v.error(m, path, "header " + quote(s) + " listed twice (names are case-insensitive)");
    seen.push_back(name);
  }
}

void validate_action(Validation& v, const FieldMarks& m, const Route& r) {
  switch (r.action) {
    case RouteActionKind::pool:
      if (!v.failed(m, m.path + ".pool")) v.pool_exists(m, m.path + ".pool", r.pool);
      break;
    case RouteActionKind::respond:
      v.in_range(m, m.path + ".respond.status", r.respond.status, 100, 599);
      if (r.respond.error.empty())
        v.error(m, m.path + ".respond.error", "must name the error code, e.g. tier_required");
      break;
    case RouteActionKind::tier_pool:
      break;
  }
}

}  // namespace

void validate_routes(Validation& v) {
  const auto& routes = v.config.routes;
  if (routes.empty()) {
    v.error("routes",
            "at least one route is required (omit the key to use the contract's default routes)");
    return;
  }
  for (std::size_t i = 0; i < routes.size(); ++i) {
    const Route& r = routes[i];
    const FieldMarks& m = v.marks.routes[i];
    if (r.name.empty()) {
      v.error(m, m.path + ".name", "must not be empty");
    } else {
      for (std::size_t j = 0; j < i; ++j) {
        if (routes[j].name == r.name) {
          v.error(m, m.path + ".name",
                  "duplicate route name " + quote(r.name) + " (first used by " +
                      v.marks.routes[j].path + " at " + v.line_col(v.marks.routes[j].self) + ")");
          break;
        }
      }
    }
    validate_match(v, m, r.match);
    validate_action(v, m, r);
  }
}

}  // namespace smart_router::config
