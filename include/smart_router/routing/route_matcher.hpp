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

  // Each key present, checked by the same tests as matches(), with why it held or not.
  std::vector<KeyCheck> explain(const RequestView& req) const;

 private:
  struct HeaderRule {
    std::string name;
    std::vector<std::string> values;  // empty: presence is enough
  };

  // Each key's test: the listed value that holds for `req`, or nullptr.
  const std::string* method_hit(const RequestView& req) const;
  const std::string* tier_hit(const RequestView& req) const;
  const std::string* prefix_hit(const RequestView& req) const;
  const std::string* exact_hit(const RequestView& req) const;
  const std::string* regex_hit(const RequestView& req) const;
  bool header_holds(const HeaderRule& rule, const RequestView& req) const;

  std::vector<std::string> methods_;
  std::vector<std::string> tiers_;  // upper-case
  std::vector<std::string> prefixes_;
  std::vector<std::string> exact_;
  std::vector<HeaderRule> headers_;
  std::vector<std::regex> regexes_;
  std::vector<std::string> patterns_;  // regexes_' source text
};

}  // namespace smart_router::routing
