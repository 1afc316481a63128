#include "smart_router/routing/path_index.hpp"

#include <algorithm>

namespace smart_router::routing {
namespace {

// Routes are added in order, so a list stays ascending; a route listed twice (two of its
// values end at one node) is kept once.
void add_route(std::vector<std::uint32_t>& list, std::uint32_t route) {
  if (list.empty() || list.back() != route) list.push_back(route);
}

}  // namespace

PathIndex::PathIndex(const std::vector<config::Route>& routes) : nodes_(1) {
  for (std::uint32_t i = 0; i < routes.size(); ++i) {
    const auto& m = routes[i].match;
    // A route must meet every key it has: indexing it by one is enough, and path_prefix is the
    // wider. Its other keys (path_exact too) are checked by its matcher.
    if (!m.path_prefix.empty()) {
      for (const auto& p : m.path_prefix) add_route(nodes_[node_for(p)].prefix_routes, i);
    } else if (!m.path_exact.empty()) {
      for (const auto& e : m.path_exact) add_route(nodes_[node_for(e)].exact_routes, i);
    } else {
      unkeyed_.push_back(i);
    }
  }
}

std::uint32_t PathIndex::child(std::uint32_t node, char c) const {
  for (const auto& [byte, next] : nodes_[node].children)
    if (byte == c) return next;
  return 0;
}

std::uint32_t PathIndex::node_for(std::string_view key) {
  std::uint32_t node = 0;
  for (const char c : key) {
    std::uint32_t next = child(node, c);
    if (next == 0) {
      next = static_cast<std::uint32_t>(nodes_.size());
      nodes_[node].children.emplace_back(c, next);
      nodes_.emplace_back();
    }
    node = next;
  }
  return node;
}

void PathIndex::candidates(std::string_view path, Lists& out) const {
  if (!unkeyed_.empty()) out.emplace_back(unkeyed_);
  std::uint32_t node = 0;
  std::size_t depth = 0;
  for (;;) {
    const auto& n = nodes_[node];
    if (!n.prefix_routes.empty()) out.emplace_back(n.prefix_routes);
    if (depth == path.size()) {
      if (!n.exact_routes.empty()) out.emplace_back(n.exact_routes);
      return;
    }
    node = child(node, path[depth++]);
    if (node == 0) return;
  }
}

}  // namespace smart_router::routing
