#include "smart_router/routing/route_table.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using smart_router::config::Route;
using smart_router::config::RouteActionKind;
using smart_router::routing::RequestView;
using smart_router::routing::RouteTable;

RequestView req(std::string_view path, std::string_view tier, std::string_view method = "GET") {
  RequestView v;
  v.method = method;
  v.path = path;
  v.tier = tier;
  return v;
}

// The three routes of the contract's example config.
std::vector<Route> contract_routes() {
  const std::vector<std::string> premium = {"/api/v1/premium/", "/api/v1/elite/", "/api/v1/black/"};
  Route a;
  a.name = "premium-paths";
  a.match.path_prefix = premium;
  a.match.tiers = {"ELITE", "BLACK", "OBSIDIAN", "VOID"};
  a.action = RouteActionKind::pool;
  a.pool = "premium";
  Route b;
  b.name = "premium-paths-denied";
  b.match.path_prefix = premium;
  b.action = RouteActionKind::respond;
  b.respond.status = 403;
  b.respond.error = "tier_required";
  Route c;
  c.name = "by-tier";
  c.action = RouteActionKind::tier_pool;
  return {a, b, c};
}

std::string matched(const RouteTable& t, const RequestView& r) {
  const auto d = t.match(r);
  return d ? d->route->name : "<none>";
}

TEST(RouteTable, ContractExampleRoutes) {
  const auto routes = contract_routes();
  const RouteTable t(routes);

  const auto elite = t.match(req("/api/v1/premium/x", "ELITE"));
  ASSERT_TRUE(elite);
  EXPECT_EQ(elite->route_index, 0u);
  EXPECT_EQ(elite->route, &routes[0]);
  EXPECT_EQ(elite->route->name, "premium-paths");
  EXPECT_EQ(elite->route->pool, "premium");

  const auto lite = t.match(req("/api/v1/premium/x", "LITE"));
  ASSERT_TRUE(lite);
  EXPECT_EQ(lite->route_index, 1u);
  EXPECT_EQ(lite->route->name, "premium-paths-denied");
  EXPECT_EQ(lite->route->action, RouteActionKind::respond);
  EXPECT_EQ(lite->route->respond.status, 403u);
  EXPECT_EQ(lite->route->respond.error, "tier_required");

  const auto orders = t.match(req("/api/v1/orders", "LITE"));
  ASSERT_TRUE(orders);
  EXPECT_EQ(orders->route_index, 2u);
  EXPECT_EQ(orders->route->name, "by-tier");
  EXPECT_EQ(orders->route->action, RouteActionKind::tier_pool);
}

TEST(RouteTable, ContractExampleMoreCases) {
  const auto routes = contract_routes();
  const RouteTable t(routes);
  EXPECT_EQ(matched(t, req("/api/v1/black/y", "VOID")), "premium-paths");
  EXPECT_EQ(matched(t, req("/api/v1/elite/", "obsidian")), "premium-paths");
  EXPECT_EQ(matched(t, req("/api/v1/elite/z", "PRO")), "premium-paths-denied");
  EXPECT_EQ(matched(t, req("/api/v1/orders", "ELITE")), "by-tier");
  EXPECT_EQ(matched(t, req("/", "LITE", "DELETE")), "by-tier");
}

TEST(RouteTable, FirstMatchWins) {
  std::vector<Route> routes(3);
  routes[0].name = "narrow";
  routes[0].match.path_exact = {"/a/b"};
  routes[1].name = "wide";
  routes[1].match.path_prefix = {"/a/"};
  routes[2].name = "also-wide";
  routes[2].match.path_prefix = {"/a/"};
  const RouteTable t(routes);
  EXPECT_EQ(matched(t, req("/a/b", "LITE")), "narrow");
  EXPECT_EQ(matched(t, req("/a/c", "LITE")), "wide");

  std::swap(routes[0], routes[1]);
  const RouteTable swapped(routes);
  EXPECT_EQ(matched(swapped, req("/a/b", "LITE")), "wide");
}

TEST(RouteTable, NoMatchIsNullopt) {
  std::vector<Route> routes(2);
  routes[0].name = "api";
  routes[0].match.path_prefix = {"/api/"};
  routes[1].name = "posts";
  routes[1].match.methods = {"POST"};
  const RouteTable t(routes);
  EXPECT_FALSE(t.match(req("/web", "LITE")).has_value());
  EXPECT_EQ(matched(t, req("/web", "LITE", "POST")), "posts");
}

TEST(RouteTable, EmptyTableMatchesNothing) {
  const std::vector<Route> routes;
  const RouteTable t(routes);
  EXPECT_FALSE(t.match(req("/", "LITE")).has_value());
}

TEST(RouteTable, RegexAndMethodsAndHeaders) {
  std::vector<Route> routes(2);
  routes[0].name = "user-writes";
  routes[0].match.path_regex = {"/users/[0-9]+"};
  routes[0].match.methods = {"PUT", "PATCH"};
  routes[0].match.headers = {{"X-Client", {"mobile"}}};
  routes[1].name = "rest";
  const RouteTable t(routes);

  static const auto lookup = [](const void* ctx,
                                std::string_view name) -> std::optional<std::string_view> {
    if (name == "X-Client" && ctx != nullptr) return *static_cast<const std::string_view*>(ctx);
    return std::nullopt;
  };
  const std::string_view mobile = "mobile";
  RequestView v = req("/users/7", "LITE", "PATCH");
  v.header = lookup;
  v.header_ctx = &mobile;
  EXPECT_EQ(matched(t, v), "user-writes");
  v.method = "GET";
  EXPECT_EQ(matched(t, v), "rest");
  v.method = "PUT";
  v.path = "/users/x";
  EXPECT_EQ(matched(t, v), "rest");
  v.path = "/users/7";
  v.header_ctx = nullptr;
  EXPECT_EQ(matched(t, v), "rest");
}

TEST(RouteTable, BadRegexNamesTheRoute) {
  std::vector<Route> routes(2);
  routes[0].name = "fine";
  routes[1].name = "broken";
  routes[1].match.path_regex = {"(unclosed"};
  try {
    const RouteTable t(routes);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("broken"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("(unclosed"), std::string::npos) << e.what();
  }
}

// explain tries what match() tries, in order, and stops where it stops.
TEST(RouteTable, ExplainAgreesWithMatch) {
  const auto routes = contract_routes();
  const RouteTable t(routes);
  for (const auto& [path, tier] : std::vector<std::pair<std::string, std::string>>{
           {"/api/v1/elite/x", "ELITE"}, {"/api/v1/elite/x", "LITE"}, {"/other", "PRO"}}) {
    const auto r = req(path, tier);
    const auto trials = t.explain(r);
    ASSERT_FALSE(trials.empty());
    EXPECT_EQ(trials.back().route->name, matched(t, r)) << path << " " << tier;
    for (std::size_t i = 0; i < trials.size(); ++i) {
      EXPECT_EQ(trials[i].route_index, i);
      EXPECT_EQ(trials[i].matched, i + 1 == trials.size());
      bool all_held = true;
      for (const auto& c : trials[i].checks) all_held = all_held && c.held;
      EXPECT_EQ(all_held, trials[i].matched) << trials[i].route->name;
    }
  }
  EXPECT_EQ(t.explain(req("/api/v1/elite/x", "ELITE")).size(), 1U);
  EXPECT_EQ(t.explain(req("/api/v1/elite/x", "LITE")).size(), 2U);
}

TEST(RouteTable, ExplainWithoutAMatchTriesEveryRoute) {
  auto routes = contract_routes();
  routes.pop_back();  // no catch-all
  const RouteTable t(routes);
  const auto trials = t.explain(req("/other", "LITE"));
  ASSERT_EQ(trials.size(), 2U);
  EXPECT_FALSE(trials[0].matched);
  EXPECT_FALSE(trials[1].matched);
}

}  // namespace
