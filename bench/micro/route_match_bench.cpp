// RouteTable::match, what match_route (src/http/phases.cpp) does per request: for the routes
// of the shipped config/router.yaml, and for 1,000 prefix rules with the match near the end.
//   build/bench/micro/route_match_bench
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "smart_router/config/loader.hpp"
#include "smart_router/routing/route_table.hpp"

namespace {

using smart_router::config::Route;
using smart_router::config::RouteActionKind;
using smart_router::routing::RequestView;
using smart_router::routing::RouteTable;

std::vector<Route> shipped_routes() {
  const auto loaded = smart_router::config::load_config_file(
      SR_SOURCE_DIR "/config/router.yaml", [](const char*) -> const char* { return nullptr; });
  if (!loaded.config) throw std::runtime_error("config/router.yaml does not load");
  return loaded.config->routes;
}

// 1,000 rules: 999 prefix routes over varied paths (API versions, services, a few with two
// prefixes or a tier list), then the catch-all by tier.
std::vector<Route> thousand_routes() {
  std::vector<Route> routes;
  for (int i = 0; i < 999; ++i) {
    Route r;
    r.name = "rule-" + std::to_string(i);
    const std::string version = "/api/v" + std::to_string(1 + i % 3);
    r.match.path_prefix = {version + "/svc" + std::to_string(i) + "/"};
    if (i % 7 == 0) r.match.path_prefix.push_back("/legacy/svc" + std::to_string(i) + "/");
    if (i % 5 == 0) r.match.tiers = {"ELITE", "BLACK"};
    r.action = RouteActionKind::pool;
    r.pool = "shared";
    routes.push_back(std::move(r));
  }
  Route last;
  last.name = "by-tier";
  last.action = RouteActionKind::tier_pool;
  routes.push_back(std::move(last));
  return routes;
}

RequestView view(std::string_view path, std::string_view tier) {
  RequestView v;
  v.method = "GET";
  v.path = path;
  v.tier = tier;
  return v;
}

void run(benchmark::State& state, const std::vector<Route>& routes, const RequestView& req,
         const std::string& expected) {
  const RouteTable table(routes);
  const auto first = table.match(req);
  if (!first || first->route->name != expected) {
    state.SkipWithError(("expected route " + expected).c_str());
    return;
  }
  for (auto _ : state) {
    auto decision = table.match(req);
    benchmark::DoNotOptimize(decision);
  }
}

void BM_Shipped_TierPool(benchmark::State& state) {
  run(state, shipped_routes(), view("/api/v1/orders/42", "LITE"), "by-tier");
}
void BM_Shipped_PremiumPath(benchmark::State& state) {
  run(state, shipped_routes(), view("/api/v1/premium/quotes", "ELITE"), "premium-paths");
}
void BM_Shipped_PremiumDenied(benchmark::State& state) {
  run(state, shipped_routes(), view("/api/v1/black/quotes", "LITE"), "premium-paths-denied");
}
void BM_Thousand_NearEnd(benchmark::State& state) {
  run(state, thousand_routes(), view("/api/v2/svc997/orders/42", "PRO"), "rule-997");
}
void BM_Thousand_CatchAll(benchmark::State& state) {
  run(state, thousand_routes(), view("/api/v1/unknown/orders", "PRO"), "by-tier");
}

BENCHMARK(BM_Shipped_TierPool);
BENCHMARK(BM_Shipped_PremiumPath);
BENCHMARK(BM_Shipped_PremiumDenied);
BENCHMARK(BM_Thousand_NearEnd);
BENCHMARK(BM_Thousand_CatchAll);

}  // namespace

BENCHMARK_MAIN();
