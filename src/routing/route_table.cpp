#include "smart_router/routing/route_table.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "smart_router/routing/route_matcher.hpp"

namespace smart_router::routing {

struct RouteTable::Compiled {
  explicit Compiled(const config::Route& r) : matcher(r.match) {}
  RouteMatcher matcher;
};

RouteTable::RouteTable(const std::vector<config::Route>& routes)
    : source_(&routes), index_(routes) {
  routes_.reserve(routes.size());
  for (std::size_t i = 0; i < routes.size(); ++i) {
    try {
      routes_.push_back(std::make_unique<Compiled>(routes[i]));
    } catch (const std::invalid_argument& e) {
      const std::string who =
          routes[i].name.empty() ? "#" + std::to_string(i + 1) : "\"" + routes[i].name + "\"";
      throw std::invalid_argument("route " + who + ": " + e.what());
    }
  }
}

RouteTable::~RouteTable() = default;

std::optional<RouteDecision> RouteTable::match(const RequestView& req) const {
  // The candidates' lists merged in route order: the lowest route any list starts with is
  // tried next (and dropped from every list that starts with it), so the first to match is
  // the first in the table.
  PathIndex::Lists lists;
  index_.candidates(req.path, lists);
  for (;;) {
    std::uint32_t next = UINT32_MAX;
    for (const auto& l : lists)
      if (!l.empty()) next = std::min(next, l.front());
    if (next == UINT32_MAX) return std::nullopt;
    for (auto& l : lists)
      if (!l.empty() && l.front() == next) l = l.subspan(1);
    if (routes_[next]->matcher.matches(req)) return RouteDecision{next, &(*source_)[next]};
  }
}

std::vector<RouteTrial> RouteTable::explain(const RequestView& req) const {
  std::vector<RouteTrial> trials;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& matcher = routes_[i]->matcher;
    auto& t = trials.emplace_back();
    t.route_index = i;
    t.route = &(*source_)[i];
    t.matched = matcher.matches(req);
    t.checks = matcher.explain(req);
    if (t.matched) break;
  }
  return trials;
}

}  // namespace smart_router::routing
