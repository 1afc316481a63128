#include "smart_router/config/loader.hpp"

#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace smart_router::config {
namespace {

using test::env_of;
using test::HasError;

// The contract's example, verbatim except for real TLS file paths.
std::string contract_example(const std::string& cert, const std::string& key) {
  return R"(server:
  listen: "0.0.0.0:8080"        # host:port, "[::]:8080" for IPv6
  workers: 0                     # 0 = one per CPU core
  tls: {cert_file: )" +
         cert + ", key_file: " + key + R"(}   # optional: terminate HTTPS here
  limits:
    max_header_bytes: 16384      # larger request head -> 431
    max_body_bytes: 10485760     # larger body -> 413
    header_timeout_ms: 10000     # head not complete in time -> 408, close
    idle_timeout_ms: 60000       # idle keep-alive connection closed
    max_connections: 20000
  drain_timeout_ms: 20000
admin:
  listen: ""                     # "" = /health /ready /metrics on server.listen; else own host:port

tiers:
  header: X-User-Tier            # header name and values are case-insensitive
  default: LITE                  # tier of a request with no (or an untrusted) claim
  on_unknown: default            # default | reject (400 unknown_tier)
  trust:
    mode: header                 # header | trusted_peers | jwt
    trusted_cidrs: []            # trusted_peers: header honoured only from these peers
    jwt: {header: Authorization, claim: tier, algorithms: [HS256], hs256_secret_env: TIER_JWT_SECRET,
          public_key_file: "", issuer: "", audience: ""}
    on_untrusted: default        # default | reject (401 unauthorized)
  classes:                       # priority: higher is more important
                                 # latency_budget_ms: the SLO; slower answers count in
                                 #   smart_router_budget_exceeded_total
                                 # timeout_ms: the hard deadline, retries included -> 504
    LITE:     {pool: shared,  priority: 0, latency_budget_ms: 100, timeout_ms: 1000, shed_at_percent: 70}
    PRO:      {pool: shared,  priority: 1, latency_budget_ms: 100, timeout_ms: 1000, shed_at_percent: 85}
    ELITE:    {pool: premium, priority: 2, latency_budget_ms: 50,  timeout_ms: 500,  shed_at_percent: 100}
    BLACK:    {pool: premium, priority: 3, latency_budget_ms: 50,  timeout_ms: 500,  shed_at_percent: 100}
    OBSIDIAN: {pool: premium, priority: 3, latency_budget_ms: 50,  timeout_ms: 500,  shed_at_percent: 100}
    VOID:     {pool: premium, priority: 3, latency_budget_ms: 50,  timeout_ms: 500,  shed_at_percent: 100}

overload:
  max_in_flight: 4096            # router-wide; a class is shed (503 overloaded) once in-flight
                                 # requests reach shed_at_percent of this

routes:                          # in order; the first match wins; no match -> 404 no_route
  - name: premium-paths
    match:                       # all keys must hold (AND); any value of a list may (OR)
      path_prefix: ["/api/v1/premium/", "/api/v1/elite/", "/api/v1/black/"]
      tiers: [ELITE, BLACK, OBSIDIAN, VOID]
    pool: premium
  - name: premium-paths-denied
    match: {path_prefix: ["/api/v1/premium/", "/api/v1/elite/", "/api/v1/black/"]}
    respond: {status: 403, error: tier_required}
  - name: by-tier
    tier_pool: true              # the pool of the request's tier class
# match keys: path_prefix, path_exact, path_regex, methods, headers ({Name: [values]}), tiers
# actions (exactly one): pool: NAME | tier_pool: true | respond: {status, error}

pools:
  shared:
    endpoints: ["127.0.0.1:9001", "127.0.0.1:9002"]   # names are re-resolved every dns_refresh_ms
    dns_refresh_ms: 5000
    load_balancing: least_request  # round_robin | least_request | random (+ your own)
    connect_timeout_ms: 250
    max_idle_per_endpoint: 64
    health_check: {path: /health, interval_ms: 5000, timeout_ms: 1000,
                   healthy_threshold: 2, unhealthy_threshold: 2, expected_status: [200]}
    outlier_detection: {consecutive_failures: 5, ejection_ms: 30000, max_ejection_percent: 50}
    retries: {attempts: 1, on: [connect_failure, reset, 503], idempotent_only: true}
    tls: {enabled: false, verify: true, ca_file: "", sni: ""}

logging:
  level: info                    # trace | debug | info | warn | error
  access_log: stdout             # stdout | off | a file path; one JSON object a line
)";
}

TEST(LoaderTest, ContractExampleParsesIntoExpectedValues) {
  test::TempFile cert("CERT", "cert.pem"), key("KEY", "key.pem");
  // The example only defines `shared`; its classes and routes also name `premium`.
  const std::string yaml = contract_example(cert.path(), key.path()) +
                           "  # second pool so the example's premium references resolve\n";
  std::string with_premium = yaml;
  with_premium.insert(with_premium.find("\nlogging:"),
                      "\n  premium:\n    endpoints: [\"127.0.0.1:9101\"]\n");
  const LoadResult r = test::load(with_premium);
  ASSERT_TRUE(r.errors.empty()) << test::dump(r.errors);
  ASSERT_TRUE(r.config);
  const Config& c = *r.config;

  EXPECT_EQ(c.server.listen, "0.0.0.0:8080");
  EXPECT_EQ(c.server.workers, 0u);
  ASSERT_TRUE(c.server.tls);
  EXPECT_EQ(c.server.tls->cert_file, cert.path());
  EXPECT_EQ(c.server.tls->key_file, key.path());
  EXPECT_EQ(c.server.limits.max_header_bytes, 16384u);
  EXPECT_EQ(c.server.limits.max_body_bytes, 10485760u);
  EXPECT_EQ(c.server.limits.header_timeout_ms, 10000u);
  EXPECT_EQ(c.server.limits.idle_timeout_ms, 60000u);
  EXPECT_EQ(c.server.limits.max_connections, 20000u);
  EXPECT_EQ(c.server.drain_timeout_ms, 20000u);
  EXPECT_EQ(c.admin.listen, "");

  EXPECT_EQ(c.tiers.header, "X-User-Tier");
  EXPECT_EQ(c.tiers.default_tier, "LITE");
  EXPECT_EQ(c.tiers.on_unknown, FallbackPolicy::use_default);
  EXPECT_EQ(c.tiers.trust.mode, TrustMode::header);
  EXPECT_TRUE(c.tiers.trust.trusted_cidrs.empty());
  EXPECT_EQ(c.tiers.trust.jwt.header, "Authorization");
  EXPECT_EQ(c.tiers.trust.jwt.claim, "tier");
  EXPECT_EQ(c.tiers.trust.jwt.algorithms, std::vector<std::string>{"HS256"});
  EXPECT_EQ(c.tiers.trust.jwt.hs256_secret_env, "TIER_JWT_SECRET");
  EXPECT_EQ(c.tiers.trust.jwt.public_key_file, "");
  EXPECT_EQ(c.tiers.trust.on_untrusted, FallbackPolicy::use_default);
  EXPECT_TRUE(c.tiers.routing_enabled);

  ASSERT_EQ(c.tiers.classes.size(), 6u);
  const char* names[] = {"LITE", "PRO", "ELITE", "BLACK", "OBSIDIAN", "VOID"};
  const unsigned shed[] = {70, 85, 100, 100, 100, 100};
  const int priorities[] = {0, 1, 2, 3, 3, 3};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(c.tiers.classes[i].name, names[i]);
    EXPECT_EQ(c.tiers.classes[i].pool, i < 2 ? "shared" : "premium");
    EXPECT_EQ(c.tiers.classes[i].priority, priorities[i]);
    EXPECT_EQ(c.tiers.classes[i].latency_budget_ms, i < 2 ? 100u : 50u);
    EXPECT_EQ(c.tiers.classes[i].timeout_ms, i < 2 ? 1000u : 500u);
    EXPECT_EQ(c.tiers.classes[i].shed_at_percent, shed[i]);
    EXPECT_EQ(c.tiers.classes[i].mark.line, 29 + static_cast<int>(i));
    EXPECT_EQ(c.tiers.classes[i].mark.column, 5);
  }
  EXPECT_EQ(c.overload.max_in_flight, 4096u);

  ASSERT_EQ(c.routes.size(), 3u);
  EXPECT_EQ(c.routes[0].name, "premium-paths");
  EXPECT_EQ(c.routes[0].mark.line, 41);
  EXPECT_EQ(c.routes[0].mark.column, 5);
  EXPECT_EQ(c.routes[0].match.path_prefix,
            (std::vector<std::string>{"/api/v1/premium/", "/api/v1/elite/", "/api/v1/black/"}));
  EXPECT_EQ(c.routes[0].match.tiers,
            (std::vector<std::string>{"ELITE", "BLACK", "OBSIDIAN", "VOID"}));
  EXPECT_EQ(c.routes[0].action, RouteActionKind::pool);
  EXPECT_EQ(c.routes[0].pool, "premium");
  EXPECT_EQ(c.routes[1].name, "premium-paths-denied");
  EXPECT_EQ(c.routes[1].action, RouteActionKind::respond);
  EXPECT_EQ(c.routes[1].respond.status, 403u);
  EXPECT_EQ(c.routes[1].respond.error, "tier_required");
  EXPECT_EQ(c.routes[2].name, "by-tier");
  EXPECT_EQ(c.routes[2].action, RouteActionKind::tier_pool);

  ASSERT_EQ(c.pools.size(), 2u);
  const Pool& s = c.pools[0];
  EXPECT_EQ(s.name, "shared");
  EXPECT_EQ(s.mark.line, 55);
  EXPECT_EQ(s.mark.column, 3);
  EXPECT_EQ(s.endpoints, (std::vector<std::string>{"127.0.0.1:9001", "127.0.0.1:9002"}));
  EXPECT_EQ(s.dns_refresh_ms, 5000u);
  EXPECT_EQ(s.load_balancing, LoadBalancing::least_request);
  EXPECT_EQ(s.connect_timeout_ms, 250u);
  EXPECT_EQ(s.max_idle_per_endpoint, 64u);
  EXPECT_TRUE(s.health_check.enabled);
  EXPECT_EQ(s.health_check.path, "/health");
  EXPECT_EQ(s.health_check.interval_ms, 5000u);
  EXPECT_EQ(s.health_check.timeout_ms, 1000u);
  EXPECT_EQ(s.health_check.healthy_threshold, 2u);
  EXPECT_EQ(s.health_check.unhealthy_threshold, 2u);
  EXPECT_EQ(s.health_check.expected_status, std::vector<unsigned>{200});
  EXPECT_EQ(s.outlier_detection.consecutive_failures, 5u);
  EXPECT_EQ(s.outlier_detection.ejection_ms, 30000u);
  EXPECT_EQ(s.outlier_detection.max_ejection_percent, 50u);
  EXPECT_EQ(s.retries.attempts, 1u);
  EXPECT_TRUE(s.retries.on_connect_failure);
  EXPECT_TRUE(s.retries.on_reset);
  EXPECT_TRUE(s.retries.on_503);
  EXPECT_TRUE(s.retries.idempotent_only);
  EXPECT_FALSE(s.tls.enabled);
  EXPECT_TRUE(s.tls.verify);
  EXPECT_EQ(c.pools[1].name, "premium");

  EXPECT_EQ(c.logging.level, LogLevel::info);
  EXPECT_EQ(c.logging.access_log, "stdout");
}

TEST(LoaderTest, ContractExampleAloneLacksThePremiumPool) {
  test::TempFile cert("CERT"), key("KEY");
  const LoadResult r = test::load(contract_example(cert.path(), key.path()));
  EXPECT_FALSE(r.config);
  // ELITE..VOID (lines 31-34, `pool` value at column 22) and route premium-paths (line 45).
  for (int line = 31; line <= 34; ++line)
    EXPECT_TRUE(HasError(r.errors, line, 22, "unknown pool \"premium\" (known: shared)"));
  EXPECT_TRUE(
      HasError(r.errors, 45, 11, "routes[0].pool: unknown pool \"premium\" (known: shared)"));
  EXPECT_EQ(r.errors.size(), 5u) << test::dump(r.errors);
}

TEST(LoaderTest, MissingFile) {
  const LoadResult r = load_config_file("/nonexistent/dir/router.yaml", test::no_env);
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].to_string(),
            "/nonexistent/dir/router.yaml:1:1: cannot read file: No such file or directory");
}

TEST(LoaderTest, EmptyFile) {
  test::TempFile f("");
  const LoadResult r = load_config_file(f.path(), test::no_env);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].to_string(), f.path() + ":1:1: the config file is empty");
}

// The contract's PATH:LINE:COL for every error of a file: one with no key to point at (an
// absent section, an entry the defaults made) points at the file's start, after the others.
TEST(LoaderTest, ErrorsWithNoKeyPointAtTheFilesStartAfterTheOthers) {
  test::TempFile f("server: {workers: 5000}\n");
  const LoadResult r = load_config_file(f.path(), test::no_env);
  ASSERT_EQ(r.errors.size(), 2u) << test::dump(r.errors);
  EXPECT_EQ(
      r.errors[0].to_string(),
      f.path() +
          ":1:19: server.workers: must be between 0 and 1024 (0 = one per CPU core), got 5000");
  EXPECT_EQ(r.errors[1].to_string(), f.path() + ":1:1: pools: at least one pool is required");
}

TEST(LoaderTest, ReadsTheFileAndNamesItInErrors) {
  test::TempFile f("pools:\n  shared: {endpoints: [\"h:1\"], dns_refresh_ms: soon}\n");
  const LoadResult r = load_config_file(f.path(), test::no_env);
  EXPECT_FALSE(r.config);
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0].to_string(),
            f.path() +
                ":2:48: pools.shared.dns_refresh_ms: expected an unsigned integer, got "
                "\"soon\"");
}

TEST(LoaderTest, EveryErrorIsReportedInFileOrderThenEnvErrors) {
  const std::map<std::string, std::string> vars = {{"TIER_ROUTING_ENABLED", "maybe"}};
  const LoadResult r = test::load(
      "server:\n"                                                      // 1
      "  listen: 8080\n"                                               // 2: validator, col 11
      "tiers:\n"                                                       // 3
      "  default: GOLD\n"                                              // 4: validator, col 12
      "  trust: {trusted_cidrs: [10.0.0.0/40]}\n"                      // 5: validator, col 27
      "routes:\n"                                                      // 6
      "  - name: a\n"                                                  // 7
      "    pool: premum\n"                                             // 8: validator, col 11
      "    tiemout: 5\n"                                               // 9: loader, col 5
      "pools:\n"                                                       // 10
      "  shared: {endpoints: [\"h:1\"], retries: {attempts: lots}}\n"  // 11: loader, col 52
      "  premium: {endpoints: [\"h:2\"]}\n",                           // 12
      env_of(vars));
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.errors.size(), 7u) << test::dump(r.errors);
  EXPECT_EQ(r.errors[0].to_string(),
            "test.yaml:2:11: server.listen: invalid address \"8080\": missing \":PORT\"");
  EXPECT_EQ(r.errors[1].to_string(),
            "test.yaml:4:12: tiers.default: unknown class \"GOLD\" (known: LITE, PRO, ELITE, "
            "BLACK, OBSIDIAN, VOID)");
  EXPECT_EQ(r.errors[2].to_string(),
            "test.yaml:5:27: tiers.trust.trusted_cidrs[0]: invalid CIDR \"10.0.0.0/40\": not an "
            "IPv4 address/prefix with prefix 0..32");
  EXPECT_EQ(r.errors[3].to_string(),
            "test.yaml:8:11: routes[0].pool: unknown pool \"premum\" (known: shared, premium)");
  EXPECT_EQ(r.errors[4].to_string(),
            "test.yaml:9:5: unknown key \"tiemout\" in routes[0] (expected one of: name, match, "
            "pool, tier_pool, respond)");
  EXPECT_EQ(r.errors[5].to_string(),
            "test.yaml:11:52: pools.shared.retries.attempts: expected an unsigned integer, got "
            "\"lots\"");
  EXPECT_EQ(r.errors[6].to_string(),
            "TIER_ROUTING_ENABLED: expected true or false (also 1/0, yes/no), got \"maybe\"");
}

TEST(LoaderTest, EnvErrorsComeAfterFileErrors) {
  const std::map<std::string, std::string> vars = {{"SHARED_ENDPOINT", "nope"}};
  const LoadResult r =
      test::load("pools:\n  shared: {endpoints: [\"h:1\"], dns_refresh_ms: 0}\n", env_of(vars));
  ASSERT_GE(r.errors.size(), 2u) << test::dump(r.errors);
  EXPECT_EQ(r.errors.front().line, 2);
  EXPECT_EQ(r.errors.back().to_string(),
            "SHARED_ENDPOINT: invalid endpoint \"nope\": missing \":PORT\"");
}

TEST(LoaderTest, EnvOverridesAreAppliedBeforeValidation) {
  // The file's endpoint is invalid, but SHARED_ENDPOINT replaces it.
  const std::map<std::string, std::string> vars = {{"SHARED_ENDPOINT", "s1:80,s2:80"},
                                                   {"TIER_ROUTING_ENABLED", "false"}};
  const LoadResult r = test::load(
      "pools:\n"
      "  shared: {endpoints: [\"bad\"]}\n"
      "  premium: {endpoints: [\"p:1\"]}\n",
      env_of(vars));
  ASSERT_TRUE(r.errors.empty()) << test::dump(r.errors);
  EXPECT_EQ(r.config->pools[0].endpoints, (std::vector<std::string>{"s1:80", "s2:80"}));
  EXPECT_FALSE(r.config->tiers.routing_enabled);
}

TEST(LoaderTest, SyntaxErrorStopsEverythingElse) {
  const std::map<std::string, std::string> vars = {{"TIER_ROUTING_ENABLED", "maybe"}};
  const LoadResult r = test::load("pools: {shared: [\n", env_of(vars));
  ASSERT_EQ(r.errors.size(), 1u) << test::dump(r.errors);
  EXPECT_EQ(r.errors[0].message.rfind("invalid YAML:", 0), 0u);
}

TEST(LoaderTest, DefaultsFilledForAMinimalFile) {
  const LoadResult r = test::load(test::kPools);
  ASSERT_TRUE(r.errors.empty()) << test::dump(r.errors);
  const Config& c = *r.config;
  EXPECT_EQ(c.server.listen, "0.0.0.0:8080");
  EXPECT_EQ(c.tiers.classes.size(), 6u);
  EXPECT_EQ(c.routes.size(), 3u);
  EXPECT_EQ(c.pools[0].health_check.interval_ms, 5000u);
  EXPECT_EQ(c.pools[0].retries.attempts, 1u);
}

#ifdef SR_SOURCE_DIR
const std::string kSourceDir = SR_SOURCE_DIR;

TEST(LoaderTest, RepoRouterYamlIsValid) {
  const LoadResult r = load_config_file(kSourceDir + "/config/router.yaml", test::no_env);
  ASSERT_TRUE(r.errors.empty()) << test::dump(r.errors);
  const Config& c = *r.config;
  EXPECT_EQ(c.server.listen, "0.0.0.0:8080");
  EXPECT_EQ(c.server.workers, 0u);
  EXPECT_EQ(c.admin.listen, "");
  EXPECT_EQ(c.tiers.classes.size(), 6u);
  EXPECT_EQ(c.tiers.classes[0].shed_at_percent, 70u);
  ASSERT_EQ(c.routes.size(), 3u);
  EXPECT_EQ(c.routes[1].respond.error, "tier_required");
  ASSERT_EQ(c.pools.size(), 2u);
  EXPECT_EQ(c.pools[0].name, "shared");
  EXPECT_EQ(c.pools[0].endpoints, (std::vector<std::string>{"127.0.0.1:9001", "127.0.0.1:9002"}));
  EXPECT_EQ(c.pools[1].name, "premium");
  EXPECT_EQ(c.pools[1].endpoints, (std::vector<std::string>{"127.0.0.1:9101", "127.0.0.1:9102"}));
  for (const auto& p : c.pools) EXPECT_EQ(p.health_check.interval_ms, 2000u);
  EXPECT_EQ(c.logging.level, LogLevel::info);
  EXPECT_EQ(c.logging.access_log, "stdout");
}

TEST(LoaderTest, RepoRouterYamlWithDeploymentOverrides) {
  const std::map<std::string, std::string> vars = {{"SHARED_ENDPOINT", "shared-svc:8080"},
                                                   {"PREMIUM_ENDPOINT", "premium-svc:8080"}};
  const LoadResult r = load_config_file(kSourceDir + "/config/router.yaml", env_of(vars));
  ASSERT_TRUE(r.errors.empty()) << test::dump(r.errors);
  EXPECT_EQ(r.config->pools[0].endpoints, std::vector<std::string>{"shared-svc:8080"});
  EXPECT_EQ(r.config->pools[1].endpoints, std::vector<std::string>{"premium-svc:8080"});
}

TEST(LoaderTest, TrustedPeersExampleIsValid) {
  const LoadResult r =
      load_config_file(kSourceDir + "/config/examples/trusted_peers.yaml", test::no_env);
  ASSERT_TRUE(r.errors.empty()) << test::dump(r.errors);
  EXPECT_EQ(r.config->tiers.trust.mode, TrustMode::trusted_peers);
  EXPECT_EQ(r.config->tiers.trust.trusted_cidrs.size(), 3u);
}

TEST(LoaderTest, JwtExampleIsValid) {
  const LoadResult r = load_config_file(kSourceDir + "/config/examples/jwt.yaml", test::no_env);
  ASSERT_TRUE(r.errors.empty()) << test::dump(r.errors);
  EXPECT_EQ(r.config->tiers.trust.mode, TrustMode::jwt);
  EXPECT_EQ(r.config->tiers.trust.jwt.algorithms, (std::vector<std::string>{"RS256", "ES256"}));
  EXPECT_EQ(r.config->tiers.trust.jwt.jwks_url, "https://auth.example.com/.well-known/jwks.json");
  EXPECT_EQ(r.config->tiers.trust.on_untrusted, FallbackPolicy::reject);
}

TEST(LoaderTest, FleetQuotaExampleIsTheContracts) {
  const LoadResult r =
      load_config_file(kSourceDir + "/config/examples/fleet-quota.yaml", test::no_env);
  ASSERT_TRUE(r.errors.empty()) << test::dump(r.errors);
  const auto& rl = r.config->rate_limits;
  ASSERT_NE(rl.find("LITE"), nullptr);
  ASSERT_NE(rl.find("PRO"), nullptr);
  EXPECT_EQ(rl.find("LITE")->fleet->requests_per_second, 1000);
  EXPECT_EQ(rl.find("PRO")->fleet->requests_per_second, 2000);
  for (const char* premium : {"ELITE", "BLACK", "OBSIDIAN", "VOID"})
    EXPECT_EQ(rl.find(premium), nullptr) << premium << " must stay unlimited";
  EXPECT_EQ(rl.redis.url, "redis://127.0.0.1:6379/0");
}
#endif

}  // namespace
}  // namespace smart_router::config
