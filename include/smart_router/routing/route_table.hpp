// Ordered, compiled routes: the first route whose every match key holds wins.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smart_router/config/config.hpp"
#include "smart_router/routing/path_index.hpp"

namespace smart_router::routing {

// Read-only view of the request the matcher needs. `header` looks a header up by
// case-insensitive name and returns every value present (joined by ", " when repeated is fine).
struct RequestView {
  std::string_view method;  // as sent, e.g. "GET"
  std::string_view path;    // target without the query string
  std::string_view tier;    // effective class name, upper-case
  // Returns the header's value or nullopt. Must stay valid for the call.
  std::optional<std::string_view> (*header)(const void* ctx, std::string_view name) = nullptr;
  const void* header_ctx = nullptr;
};

// One key of a route's `match:` checked against a request, for `smart-router explain`.
struct KeyCheck {
  std::string key;  // "methods", "tiers", "path_prefix", "path_exact", "headers.NAME", "path_regex"
  bool held = false;
  std::string why;  // e.g. "tier LITE is not in [ELITE, BLACK]"
};

// A route tried in order: whether it matched, and every key's check.
struct RouteTrial {
  std::size_t route_index = 0;
  const config::Route* route = nullptr;
  bool matched = false;
  std::vector<KeyCheck> checks;
};

struct RouteDecision {
  std::size_t route_index = 0;  // into Config::routes
  const config::Route* route = nullptr;
};

class RouteTable {
 public:
  // Throws std::invalid_argument on a bad regex (the validator reports it first).
  explicit RouteTable(const std::vector<config::Route>& routes);
  ~RouteTable();
  RouteTable(const RouteTable&) = delete;
  RouteTable& operator=(const RouteTable&) = delete;

  // nullopt = no route matched (404 no_route).
  std::optional<RouteDecision> match(const RequestView& req) const;

  // The routes match() tries for `req`, in order, up to and including the one that wins, each
  // with why it did or did not match (the same matcher; slower: for explain, not the hot path).
  std::vector<RouteTrial> explain(const RequestView& req) const;

 private:
  struct Compiled;
  std::vector<std::unique_ptr<Compiled>> routes_;
  const std::vector<config::Route>* source_;
  PathIndex index_;  // which routes a path can match
};

}  // namespace smart_router::routing
