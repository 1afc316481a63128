#include "smart_router/http/explain.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

namespace config = smart_router::config;
using smart_router::http::build_snapshot;
using smart_router::http::explain_request;
using smart_router::http::ExplainInput;

const char* no_env(const char* /*name*/) {
  return nullptr;
}

constexpr const char* kYaml = R"(
tiers:
  trust: {mode: trusted_peers, trusted_cidrs: ["10.0.0.0/8"]}
  classes:
    LITE:  {pool: shared,  priority: 0, timeout_ms: 1000, shed_at_percent: 70}
    ELITE: {pool: premium, priority: 2, timeout_ms: 500,  shed_at_percent: 100}
pools:
  shared:  {endpoints: ["127.0.0.1:9001"]}
  premium: {endpoints: ["127.0.0.1:9101"]}
routes:
  - name: premium-paths
    match: {path_prefix: ["/p/"], tiers: [ELITE]}
    pool: premium
  - name: denied
    match: {path_prefix: ["/p/"]}
    respond: {status: 403, error: tier_required}
  - name: by-tier
    tier_pool: true
)";

class ExplainTest : public ::testing::Test {
 protected:
  ExplainTest() {
    auto loaded = config::load_config_string(kYaml, "t.yaml", no_env);
    snap_ = build_snapshot(std::move(*loaded.config), registry_, metrics_, no_env, 1);
  }
  nlohmann::ordered_json explain(const std::string& target, const std::string& tier,
                                 const char* peer) {
    ExplainInput in;
    in.method = "GET";
    in.target = target;
    in.headers = {{"X-User-Tier", tier}, {"X-Request-Budget-Ms", "200"}};
    in.peer = boost::asio::ip::make_address(peer);
    return explain_request(*snap_, in);
  }

  smart_router::upstream::EndpointRegistry registry_;
  smart_router::observability::Metrics metrics_;
  std::shared_ptr<const smart_router::http::RouterSnapshot> snap_;
};

TEST_F(ExplainTest, ATrustedPeersClaimTakesThePremiumRoute) {
  const auto e = explain("/p/x", "ELITE", "10.1.1.1");
  EXPECT_EQ(e["trust"]["verdict"], "honoured");
  EXPECT_EQ(e["class"]["name"], "ELITE");
  ASSERT_EQ(e["routes"].size(), 1U);
  EXPECT_EQ(e["route"]["name"], "premium-paths");
  EXPECT_EQ(e["answer"]["forward_to"], "premium");
  EXPECT_EQ(e["deadline"]["timeout_ms"], 200);  // the trusted peer's budget is smaller
}

TEST_F(ExplainTest, AnUntrustedClaimIsDowngradedAndRefusedByTheRoute) {
  const auto e = explain("/p/x", "ELITE", "192.0.2.1");
  EXPECT_EQ(e["trust"]["verdict"], "untrusted");
  EXPECT_EQ(e["class"]["name"], "LITE");
  ASSERT_EQ(e["routes"].size(), 2U);
  EXPECT_FALSE(e["routes"][0]["matched"].get<bool>());
  EXPECT_EQ(e["answer"]["status"], 403);
  EXPECT_FALSE(e.contains("deadline"));
}

TEST_F(ExplainTest, ARefusedTargetStopsAtTheRequest) {
  const auto e = explain("/p/%2e%2e/%2fx", "ELITE", "10.1.1.1");
  EXPECT_EQ(e["answer"]["status"], 400);
  EXPECT_FALSE(e.contains("trust"));
}

}  // namespace
