// The compiled `match:` of one route. Every key present must hold (AND); any value of a key's
// list may (OR). A key with an empty list is the same as an absent key; no keys matches all.
#pragma once

#include <regex>
#include <string>
#include <vector>

#include "smart_router/config/config.hpp"
#include "smart_router/routing/route_table.hpp"

namespace smart_router::routing {

class RouteMatcher {
 public:
  // Throws std::invalid_argument on a bad path_regex.
  explicit RouteMatcher(const config::RouteMatch& match);

  // path_prefix / path_exact: on the path as given (no query string).
  // path_regex: the whole path must match (ECMAScript syntax, no back-references).
  // methods: exact, case-sensitive. headers: the header is present and, when values are listed,
  // its value equals one of them exactly (name case-insensitive). tiers: case-insensitive.
  bool matches(const RequestView& req) const;

 private:
  struct HeaderRule {
    std::string name;
    std::vector<std::string> values;  // empty: presence is enough
  };

  std::vector<std::string> methods_;
  std::vector<std::string> tiers_;  // upper-case
  std::vector<std::string> prefixes_;
  std::vector<std::string> exact_;
  std::vector<HeaderRule> headers_;
  std::vector<std::regex> regexes_;
};

}  // namespace smart_router::routing
