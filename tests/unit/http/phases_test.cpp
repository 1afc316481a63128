// The pipeline's deciding phases on a real snapshot, without a network: each phase's decision
// and the error it refuses with.
#include "smart_router/http/phases.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

namespace {

namespace http = smart_router::http;
namespace bhttp = boost::beast::http;
using smart_router::ErrorKind;

constexpr const char* kConfig = R"(
server: {listen: "127.0.0.1:0"}
tiers:
  header: X-User-Tier
  default: LITE
  on_unknown: reject
  classes:
    LITE:  {pool: shared,  priority: 0, latency_budget_ms: 100, timeout_ms: 1000, shed_at_percent: 50}
    ELITE: {pool: premium, priority: 2, latency_budget_ms: 50,  timeout_ms: 500,  shed_at_percent: 100}
overload: {max_in_flight: 2}
routes:
  - name: premium-paths
    match: {path_prefix: ["/premium/"], tiers: [ELITE]}
    pool: premium
  - name: premium-denied
    match: {path_prefix: ["/premium/"]}
    respond: {status: 403, error: tier_required}
  - name: api
    match: {path_prefix: ["/api/"]}
    tier_pool: true
pools:
  shared: {endpoints: ["127.0.0.1:9"]}
  premium: {endpoints: ["127.0.0.1:10"]}
logging: {access_log: "off"}
)";

const char* no_env(const char*) {
  return nullptr;
}

// One router (snapshot, shared state, a worker) and a way to make requests for it.
class Phases : public ::testing::Test {
 protected:
  Phases() : worker(ctx), stream(ioc.get_executor()), watch(ioc.get_executor()) { use(kConfig); }

  void use(const std::string& yaml) {
    auto loaded = smart_router::config::load_config_string(yaml, "test.yaml", &no_env);
    for (const auto& e : loaded.errors) ADD_FAILURE() << e.to_string();
    snap = http::build_snapshot(*loaded.config, endpoints, ctx.metrics, &no_env, 1);
  }

  // A request whose head is `head` (without the blank line that ends it; with a Host field).
  http::Request& request(const std::string& head) {
    const std::string text =
        head + (head.find("\r\nHost:") == std::string::npos ? "\r\nHost: test" : "") + "\r\n\r\n";
    boost::system::error_code ec;
    req.reset();
    down.reset();
    parser.emplace();
    parser->put(boost::asio::buffer(text), ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_TRUE(parser->is_header_done());
    down.emplace(client, *parser, scratch.head, std::chrono::milliseconds(1000));
    req.emplace(*down, worker, *snap, scratch);
    return *req;
  }

  // A request that begin, classify_tier and match_route each let through.
  http::Request& routed(const std::string& head) {
    auto& r = request(head);
    EXPECT_FALSE(http::begin(r));
    EXPECT_FALSE(http::classify_tier(r));
    EXPECT_FALSE(http::match_route(r));
    return r;
  }

  boost::asio::io_context ioc;
  http::RouterContext ctx;
  http::WorkerResources worker;
  smart_router::upstream::EndpointRegistry endpoints;
  std::shared_ptr<const http::RouterSnapshot> snap;
  smart_router::Stream stream;
  boost::beast::flat_buffer buffer;
  smart_router::DeadlineWatch watch;
  boost::asio::ip::address peer = boost::asio::ip::make_address("10.0.0.1");
  std::string client_ip = "10.0.0.1";
  http::ClientConnection client{stream, buffer, watch, peer, client_ip, false, false};
  http::ConnectionScratch scratch;
  std::optional<http::RequestParser> parser;
  std::optional<http::Downstream> down;
  std::optional<http::Request> req;
};

TEST_F(Phases, BeginKeepsAnAcceptableRequestIdAndMakesOneOtherwise) {
  auto& r = request("GET /api/x HTTP/1.1\r\nX-Request-Id: abc-123");
  EXPECT_FALSE(http::begin(r));
  EXPECT_EQ(r.request_id, "abc-123");
}

TEST_F(Phases, BeginGeneratesAnIdWhenTheClientsIsUnacceptable) {
  auto& r = request("GET /api/x HTTP/1.1\r\nX-Request-Id: has space");
  EXPECT_FALSE(http::begin(r));
  EXPECT_FALSE(r.request_id.empty());
  EXPECT_NE(r.request_id, "has space");
}

TEST_F(Phases, BeginReadsConnectionSemantics) {
  auto& r = request("POST /api/x HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 0");
  EXPECT_FALSE(http::begin(r));
  EXPECT_TRUE(r.down.http10());
  EXPECT_FALSE(r.down.keep_alive());         // HTTP/1.0 without keep-alive
  EXPECT_FALSE(r.decided.expects_continue);  // RFC 9110 10.1.1: ignored in HTTP/1.0
  auto& r11 = request("POST /api/x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 0");
  EXPECT_FALSE(http::begin(r11));
  EXPECT_TRUE(r11.decided.expects_continue);
}

TEST_F(Phases, BeginRefusesConnectAndEndsTheConnection) {
  for (const char* head :
       {"CONNECT 127.0.0.1:9001 HTTP/1.1\r\nHost: 127.0.0.1:9001", "CONNECT /api/x HTTP/1.1"}) {
    auto& r = request(head);
    const auto err = http::begin(r);
    ASSERT_TRUE(err) << head;
    EXPECT_EQ(err->kind, ErrorKind::not_implemented) << head;
    EXPECT_FALSE(r.down.keep_alive()) << head;  // what follows is tunnel bytes
  }
}

TEST_F(Phases, BeginClosesTheConnectionWhileDraining) {
  ctx.draining = true;
  auto& r = request("GET /api/x HTTP/1.1");
  EXPECT_FALSE(http::begin(r));
  EXPECT_FALSE(r.down.keep_alive());
}

TEST_F(Phases, BeginNormalisesTheTarget) {
  auto& r = request("GET /api/a/../b//c?q=1 HTTP/1.1");
  EXPECT_FALSE(http::begin(r));
  EXPECT_EQ(r.decided.path, "/api/b/c");
  EXPECT_EQ(r.decided.target, "/api/b/c?q=1");
}

constexpr const char* kForwarded =
    "GET /api/x HTTP/1.1\r\nX-Forwarded-For: 198.51.100.1, 203.0.113.7";

TEST_F(Phases, BeginDoesNotBelieveForwardedForWithoutTrustedProxies) {
  auto& r = request(kForwarded);
  EXPECT_FALSE(http::begin(r));
  EXPECT_EQ(r.decided.client_ip, "10.0.0.1");
  EXPECT_EQ(r.decided.client.to_string(), "10.0.0.1");
}

TEST_F(Phases, BeginTakesTheClientFromForwardedForOfATrustedProxy) {
  std::string cfg = kConfig;
  const std::string server = "server: {listen: \"127.0.0.1:0\"}";
  cfg.replace(cfg.find(server), server.size(),
              "server: {listen: \"127.0.0.1:0\", trusted_proxies: [10.0.0.0/8]}");
  use(cfg);
  auto& r = request(kForwarded);
  EXPECT_FALSE(http::begin(r));
  EXPECT_EQ(r.decided.client_ip, "203.0.113.7");
  EXPECT_EQ(r.decided.client.to_string(), "203.0.113.7");
}

TEST_F(Phases, BeginRefusesATargetWithoutAPath) {
  auto& r = request("OPTIONS * HTTP/1.1");
  const auto err = http::begin(r);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->kind, ErrorKind::bad_request);
}

TEST_F(Phases, CheckMethodForwardsAnyMethodWhenNoneIsListed) {
  EXPECT_FALSE(http::check_method(request("FOO /api/x HTTP/1.1")));
  EXPECT_FALSE(http::check_method(request("PURGE /api/x HTTP/1.1")));
}

TEST_F(Phases, CheckMethodRefusesWhatTheListLacks) {
  std::string yaml = kConfig;
  const std::string server = "server: {listen: \"127.0.0.1:0\"}";
  yaml.replace(yaml.find(server), server.size(),
               "server: {listen: \"127.0.0.1:0\", allowed_methods: [GET, post]}");
  use(yaml);
  EXPECT_FALSE(http::check_method(request("GET /api/x HTTP/1.1")));
  EXPECT_FALSE(http::check_method(request("POST /api/x HTTP/1.1")));
  const auto known = http::check_method(request("DELETE /api/x HTTP/1.1"));
  ASSERT_TRUE(known);
  EXPECT_EQ(known->kind, ErrorKind::method_not_allowed);
  EXPECT_EQ(known->message, "method DELETE is not allowed (server.allowed_methods)");
  EXPECT_EQ(known->headers, (std::vector<smart_router::ErrorHeader>{{"Allow", "GET, POST"}}));
  const auto unknown = http::check_method(request("FOO /api/x HTTP/1.1"));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->kind, ErrorKind::not_implemented);
  EXPECT_TRUE(unknown->headers.empty());
}

TEST_F(Phases, AdminAnswersHealthOnTheMainListenerWhenNoAdminListenerIsSet) {
  auto& r = request("GET /health HTTP/1.1");
  ASSERT_FALSE(http::begin(r));
  const auto a = http::admin(r);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 200u);
}

TEST_F(Phases, AdminIgnoresOtherMethodsAndPaths) {
  auto& post = request("POST /health HTTP/1.1\r\nContent-Length: 0");
  ASSERT_FALSE(http::begin(post));
  EXPECT_FALSE(http::admin(post));
}

TEST_F(Phases, AdminIgnoresOrdinaryPaths) {
  auto& r = request("GET /api/health HTTP/1.1");
  ASSERT_FALSE(http::begin(r));
  EXPECT_FALSE(http::admin(r));
}

TEST_F(Phases, ClassifyTierTakesTheHeadersClass) {
  auto& r = request("GET /api/x HTTP/1.1\r\nX-User-Tier: elite");
  ASSERT_FALSE(http::begin(r));
  ASSERT_FALSE(http::classify_tier(r));
  EXPECT_EQ(r.decided.cls->cls->name, "ELITE");
}

TEST_F(Phases, ClassifyTierDefaultsWithoutAClaim) {
  auto& r = request("GET /api/x HTTP/1.1");
  ASSERT_FALSE(http::begin(r));
  ASSERT_FALSE(http::classify_tier(r));
  EXPECT_EQ(r.decided.cls->cls->name, "LITE");
}

TEST_F(Phases, ClassifyTierRejectsAnUnknownTierWhenConfiguredTo) {
  auto& r = request("GET /api/x HTTP/1.1\r\nX-User-Tier: GOLD");
  ASSERT_FALSE(http::begin(r));
  const auto err = http::classify_tier(r);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->kind, ErrorKind::unknown_tier);
}

TEST_F(Phases, MatchRouteGivesTheClassPoolForATierPoolRoute) {
  auto& r = routed("GET /api/x HTTP/1.1\r\nX-User-Tier: ELITE");
  EXPECT_EQ(r.decided.route->name, "api");
  EXPECT_EQ(r.decided.pool->pool->name(), "premium");
}

TEST_F(Phases, MatchRouteAnswersARespondRoutesStatusAndCode) {
  auto& r = request("GET /premium/x HTTP/1.1");
  ASSERT_FALSE(http::begin(r));
  ASSERT_FALSE(http::classify_tier(r));
  const auto err = http::match_route(r);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->kind, ErrorKind::route_respond);
  EXPECT_EQ(err->respond_status, 403u);
  EXPECT_EQ(err->respond_code, "tier_required");
  EXPECT_EQ(r.decided.route->name, "premium-denied");
}

TEST_F(Phases, MatchRouteRefusesWhatNoRouteMatches) {
  auto& r = request("GET /elsewhere HTTP/1.1");
  ASSERT_FALSE(http::begin(r));
  ASSERT_FALSE(http::classify_tier(r));
  const auto err = http::match_route(r);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->kind, ErrorKind::no_route);
}

TEST_F(Phases, AdmitHoldsASlotAndSetsTheDeadlineFromTheClassTimeout) {
  auto& r = routed("GET /api/x HTTP/1.1\r\nX-User-Tier: ELITE");
  const auto v = http::admit(r);
  ASSERT_FALSE(v.refused);
  EXPECT_FALSE(v.must_wait);
  EXPECT_EQ(ctx.admission.in_flight(), 1);
  EXPECT_EQ(r.decided.deadline, r.started + std::chrono::milliseconds(500));
  r.admission.reset();
  EXPECT_EQ(ctx.admission.in_flight(), 0);
}

TEST_F(Phases, AdmitShedsALowerClassFirst) {
  // max_in_flight 2: LITE (50%) holds one slot at most; ELITE may use both.
  const auto& lite_levels = *snap->classes[0].levels;
  ASSERT_TRUE(ctx.admission.try_admit(lite_levels, 2));
  auto& lite = routed("GET /api/x HTTP/1.1");
  const auto v = http::admit(lite);
  ASSERT_TRUE(v.refused);
  EXPECT_EQ(v.refused->kind, ErrorKind::overloaded);
  EXPECT_EQ(ctx.admission.in_flight(), 1);  // the refused request holds nothing
  const auto& elite_levels = *snap->classes[1].levels;
  EXPECT_TRUE(ctx.admission.try_admit(elite_levels, 2));  // premium's reserve
  EXPECT_EQ(ctx.admission.in_flight(), 2);
  ctx.admission.release(elite_levels.slot);
  ctx.admission.release(lite_levels.slot);
}

TEST_F(Phases, ABudgetFromTheClientTightensTheDeadline) {
  auto& r = routed("GET /api/x HTTP/1.1\r\nX-User-Tier: ELITE\r\nX-Request-Budget-Ms: 120");
  ASSERT_FALSE(http::admit(r).refused);
  EXPECT_EQ(r.decided.deadline, r.started + std::chrono::milliseconds(120));
  r.admission.reset();
}

}  // namespace
