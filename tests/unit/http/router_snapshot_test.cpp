#include "smart_router/http/router_snapshot.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "../tier/jwt_test_support.hpp"

namespace {

namespace config = smart_router::config;
using smart_router::http::build_snapshot;
using smart_router::http::PoolRuntime;
using smart_router::http::RouterSnapshot;

const char* no_env(const char* /*name*/) {
  return nullptr;
}

// The contract's classes, overload.max_in_flight 1000, and a spare pool beside shared and
// premium. `trust`: lines of tiers.trust; `extra`: more top-level keys.
std::string contract_yaml(const std::string& routes, const std::string& extra = "",
                          const std::string& trust = "") {
  return R"(
tiers:
  header: X-User-Tier
  default: LITE
)" + trust +
         R"(
  classes:
    LITE:     {pool: shared,  priority: 0, latency_budget_ms: 100, timeout_ms: 1000, shed_at_percent: 70}
    PRO:      {pool: shared,  priority: 1, latency_budget_ms: 100, timeout_ms: 1000, shed_at_percent: 85}
    ELITE:    {pool: premium, priority: 2, latency_budget_ms: 50,  timeout_ms: 500,  shed_at_percent: 100}
    BLACK:    {pool: premium, priority: 3, latency_budget_ms: 50,  timeout_ms: 500,  shed_at_percent: 100}
overload:
  max_in_flight: 1000
pools:
  shared:
    endpoints: ["127.0.0.1:9001", "127.0.0.1:9002"]
  premium:
    endpoints: ["127.0.0.1:9101", "127.0.0.1:9102", "127.0.0.1:9103"]
  spare:
    endpoints: ["127.0.0.1:9201"]
)" + routes +
         extra;
}

const std::string kContractRoutes = R"(
routes:
  - name: premium-paths
    match:
      path_prefix: ["/api/v1/premium/"]
      tiers: [ELITE, BLACK]
    pool: premium
  - name: premium-paths-denied
    match: {path_prefix: ["/api/v1/premium/"]}
    respond: {status: 403, error: tier_required}
  - name: by-tier
    tier_pool: true
)";

config::Config load(const std::string& yaml) {
  auto result = config::load_config_string(yaml, "test.yaml", no_env);
  std::string errors;
  for (const auto& e : result.errors) errors += e.to_string() + "\n";
  if (!result.config) throw std::runtime_error("test config does not load:\n" + errors);
  return std::move(*result.config);
}

class RouterSnapshotTest : public ::testing::Test {
 protected:
  std::shared_ptr<const RouterSnapshot> build(const std::string& yaml,
                                              std::uint64_t generation = 1) {
    return build_snapshot(load(yaml), registry_, metrics_, no_env, generation);
  }

  static std::vector<std::string> names(const std::vector<const PoolRuntime*>& pools) {
    std::vector<std::string> out;
    for (const auto* p : pools) out.push_back(p == nullptr ? "-" : p->pool->name());
    return out;
  }

  smart_router::upstream::EndpointRegistry registry_;
  smart_router::observability::Metrics metrics_;
};

TEST_F(RouterSnapshotTest, CompilesPoolsInConfigOrderWithTheirEndpoints) {
  const auto snap = build(contract_yaml(kContractRoutes), 7);
  EXPECT_EQ(snap->generation, 7u);
  ASSERT_EQ(snap->pools.size(), 3u);
  const std::vector<std::pair<std::string, std::size_t>> expected = {
      {"shared", 2}, {"premium", 3}, {"spare", 1}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& p = snap->pools[i];
    EXPECT_EQ(p.pool->name(), expected[i].first);
    EXPECT_EQ(p.pool->endpoints().size(), expected[i].second);
    EXPECT_EQ(p.outcomes.size(), expected[i].second);  // a row of counters per endpoint
    EXPECT_NE(p.tier_metrics, nullptr);
    EXPECT_NE(p.retries, nullptr);
    EXPECT_EQ(snap->find_pool(expected[i].first), &p);
  }
  EXPECT_EQ(snap->find_pool("nope"), nullptr);
  EXPECT_EQ(snap->pools[1].pool->endpoints()[2]->address(), "127.0.0.1:9103");
}

TEST_F(RouterSnapshotTest, ClassesPointAtTheirPools) {
  const auto snap = build(contract_yaml(kContractRoutes));
  ASSERT_EQ(snap->classes.size(), 4u);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"LITE", "shared"}, {"PRO", "shared"}, {"ELITE", "premium"}, {"BLACK", "premium"}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(snap->classes[i].cls->name, expected[i].first);
    EXPECT_EQ(snap->classes[i].pool->pool->name(), expected[i].second);
    EXPECT_NE(snap->classes[i].shed, nullptr);
    EXPECT_NE(snap->classes[i].budget_exceeded, nullptr);
  }
}

// Each class's share is its shed_at_percent, checked at its own priority and every higher one.
TEST_F(RouterSnapshotTest, ClassLevelsComeFromPriorityAndShedAtPercent) {
  const auto snap = build(contract_yaml(kContractRoutes));
  ASSERT_EQ(snap->classes.size(), 4u);
  ASSERT_EQ(snap->class_levels.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(snap->classes[i].levels, &snap->class_levels[i]);
  const auto& lite = *snap->classes[0].levels;
  ASSERT_FALSE(lite.checks.empty());
  EXPECT_EQ(lite.checks.front().share_percent, 70u);
  EXPECT_EQ(snap->classes[1].levels->checks.front().share_percent, 85u);
  EXPECT_EQ(snap->classes[2].levels->checks.back().share_percent, 100u);
  EXPECT_GT(lite.checks.size(), snap->classes[2].levels->checks.size());
}

// A refusal or a queued request looks no metric up: each pool caches them per class.
TEST_F(RouterSnapshotTest, PoolsCacheTheirAdmissionMetricsPerClass) {
  const auto snap = build(contract_yaml(kContractRoutes));
  for (const auto& pool : snap->pools) {
    ASSERT_EQ(pool.per_class.size(), snap->classes.size());
    for (const auto& m : pool.per_class) {
      EXPECT_NE(m.queue_wait, nullptr);
      for (const auto* c : m.refusals) EXPECT_NE(c, nullptr);
    }
  }
  for (std::size_t i = 0; i < snap->classes.size(); ++i) EXPECT_EQ(snap->classes[i].index, i);
}

TEST_F(RouterSnapshotTest, RoutesCompileWithTheirPools) {
  const auto snap = build(contract_yaml(kContractRoutes));
  EXPECT_EQ(names(snap->route_pools), (std::vector<std::string>{"premium", "-", "-"}));
  ASSERT_NE(snap->routes, nullptr);
  ASSERT_NE(snap->classifier, nullptr);
  const auto d = snap->classifier->classify({"elite", std::nullopt, {}});
  EXPECT_EQ(snap->classes[d.class_index].cls->name, "ELITE");
}

// /ready watches these: a pool no route can reach must not make the router unready.
TEST_F(RouterSnapshotTest, ReachablePoolsWithTierPoolRouteAreEveryClassPool) {
  const auto snap = build(contract_yaml(kContractRoutes));
  EXPECT_EQ(names(snap->reachable_pools()), (std::vector<std::string>{"premium", "shared"}));
}

TEST_F(RouterSnapshotTest, ReachablePoolsWithoutTierPoolRouteAreTheRoutesPools) {
  const auto snap = build(contract_yaml(R"(
routes:
  - name: spare-only
    match: {path_prefix: ["/spare/"]}
    pool: spare
  - name: rest
    respond: {status: 404, error: no_route}
)"));
  EXPECT_EQ(names(snap->reachable_pools()), (std::vector<std::string>{"spare"}));
}

// Endpoints come from the registry, so their health survives a reload.
TEST_F(RouterSnapshotTest, ARebuildKeepsTheEndpoints) {
  const auto first = build(contract_yaml(kContractRoutes), 1);
  const auto second = build(contract_yaml(kContractRoutes), 2);
  EXPECT_EQ(first->pools[0].pool->endpoints()[1], second->pools[0].pool->endpoints()[1]);
  EXPECT_NE(first->pools[0].pool, second->pools[0].pool);
}

// A file the validator saw may be gone when the snapshot is built: the reload fails cleanly.
class VanishingFileTest : public RouterSnapshotTest {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("sr-snapshot-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  std::filesystem::path dir_;
};

TEST_F(VanishingFileTest, AVanishedJwtKeyFileThrows) {
  const auto key = write("jwt.pem", tier_test::rsa_key().public_pem);
  const auto trust =
      "  trust:\n    mode: jwt\n    jwt:\n      algorithms: [RS256]\n"
      "      public_key_file: \"" +
      key + "\"\n";
  auto cfg = load(contract_yaml(kContractRoutes, "", trust));  // the validator sees the file
  EXPECT_NO_THROW(build_snapshot(cfg, registry_, metrics_, no_env, 1));
  std::filesystem::remove(key);
  EXPECT_THROW(build_snapshot(cfg, registry_, metrics_, no_env, 2), std::invalid_argument);
}

// An unusable server.tls pair is refused where it is loaded (server/tls_context_test.cpp).

}  // namespace
