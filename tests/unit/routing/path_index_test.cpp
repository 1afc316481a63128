#include "smart_router/routing/path_index.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "smart_router/routing/route_matcher.hpp"
#include "smart_router/routing/route_table.hpp"

namespace {

using smart_router::config::Route;
using smart_router::routing::PathIndex;
using smart_router::routing::RequestView;
using smart_router::routing::RouteMatcher;
using smart_router::routing::RouteTable;

Route prefixed(std::vector<std::string> prefixes) {
  Route r;
  r.match.path_prefix = std::move(prefixes);
  return r;
}

Route exact(std::vector<std::string> paths) {
  Route r;
  r.match.path_exact = std::move(paths);
  return r;
}

std::set<std::uint32_t> candidates(const PathIndex& index, std::string_view path) {
  PathIndex::Lists lists;
  index.candidates(path, lists);
  std::set<std::uint32_t> out;
  for (const auto& l : lists) out.insert(l.begin(), l.end());
  return out;
}

TEST(PathIndex, PrefixesThatStartThePathAndUnkeyedRoutes) {
  const std::vector<Route> routes = {prefixed({"/api/"}), prefixed({"/api/v1/", "/legacy/"}),
                                     Route{}, prefixed({"/web/"})};
  const PathIndex index(routes);
  EXPECT_EQ(candidates(index, "/api/v1/orders"), (std::set<std::uint32_t>{0, 1, 2}));
  EXPECT_EQ(candidates(index, "/api/v2"), (std::set<std::uint32_t>{0, 2}));
  EXPECT_EQ(candidates(index, "/legacy/x"), (std::set<std::uint32_t>{1, 2}));
  EXPECT_EQ(candidates(index, "/ap"), (std::set<std::uint32_t>{2}));
  EXPECT_EQ(candidates(index, ""), (std::set<std::uint32_t>{2}));
}

TEST(PathIndex, ExactPathsOnlyWhenTheWholePathEquals) {
  const std::vector<Route> routes = {exact({"/a/b", "/c"}), prefixed({"/a/"})};
  const PathIndex index(routes);
  EXPECT_EQ(candidates(index, "/a/b"), (std::set<std::uint32_t>{0, 1}));
  EXPECT_EQ(candidates(index, "/a/bc"), (std::set<std::uint32_t>{1}));
  EXPECT_EQ(candidates(index, "/c"), (std::set<std::uint32_t>{0}));
  EXPECT_EQ(candidates(index, "/"), (std::set<std::uint32_t>{}));
}

TEST(PathIndex, AnEmptyPrefixStartsEveryPath) {
  const std::vector<Route> routes = {prefixed({""})};
  const PathIndex index(routes);
  EXPECT_EQ(candidates(index, "/anything"), (std::set<std::uint32_t>{0}));
}

// The table must pick what trying every route's matcher in order picks: a table of overlapping
// prefixes, exact paths, tiers and unkeyed routes, against many paths.
TEST(PathIndex, TableMatchEqualsTryingEveryRouteInOrder) {
  std::vector<Route> routes;
  const std::vector<std::string> stems = {"/", "/a", "/a/", "/a/b", "/a/b/", "/ab", "/b/", ""};
  for (std::size_t i = 0; i < 40; ++i) {
    Route r = (i % 4 == 3) ? exact({stems[i % stems.size()] + "x"})
                           : prefixed({stems[i % stems.size()], stems[(i * 3) % stems.size()]});
    if (i % 5 == 0) r.match.tiers = {"ELITE"};
    if (i % 9 == 0) r.match.path_prefix.clear();
    r.name = "r" + std::to_string(i);
    routes.push_back(std::move(r));
  }
  const RouteTable table(routes);
  const std::vector<std::string> paths = {"",    "/",   "/a", "/a/", "/a/b",  "/a/b/c", "/abx",
                                          "/ax", "/b/", "/b", "/c",  "/a/bx", "/x",     "/a/b/x"};
  for (const auto* tier : {"LITE", "ELITE"}) {
    for (const auto& path : paths) {
      RequestView v;
      v.method = "GET";
      v.path = path;
      v.tier = tier;
      std::string expected = "<none>";
      for (std::size_t i = 0; i < routes.size(); ++i) {
        if (RouteMatcher(routes[i].match).matches(v)) {
          expected = routes[i].name;
          break;
        }
      }
      const auto got = table.match(v);
      EXPECT_EQ(got ? got->route->name : "<none>", expected) << tier << " " << path;
    }
  }
}

}  // namespace
