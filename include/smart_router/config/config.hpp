// Plain structs mirroring the config file (see docs in the contract). Defaults here are the
// contract's defaults; the loader fills them from YAML and the validator checks them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace smart_router::config {

// Where a value came from in the YAML file (1-based; 0 = not from the file).
struct SourceMark {
  int line = 0;
  int column = 0;
};

struct Limits {
  std::uint64_t max_header_bytes = 16384;
  std::uint64_t max_body_bytes = 10485760;
  std::uint32_t header_timeout_ms = 10000;
  std::uint32_t idle_timeout_ms = 60000;
  std::uint32_t max_connections = 20000;
  // More header fields than this -> 431 (as Envoy's max_headers_count, HAProxy's maxhdr 101).
  std::uint32_t max_header_count = 100;
};

struct ServerTls {
  std::string cert_file;
  std::string key_file;
};

struct Server {
  std::string listen = "0.0.0.0:8080";
  std::uint32_t workers = 0;  // 0 = one per CPU core
  std::optional<ServerTls> tls;
  // Load balancers and proxies in front whose X-Forwarded-For is believed (README "Client
  // address"); empty = the TCP peer is the client.
  std::vector<std::string> trusted_proxies;
  Limits limits;
  std::uint32_t drain_timeout_ms = 20000;
  // Methods forwarded; empty = any (methods are extensible). Another -> 405 (501 for a
  // method Beast does not know).
  std::vector<std::string> allowed_methods;
  // The name the router gives itself in a Via field on each request it forwards (RFC 9110
  // 7.6.3): "1.1 NAME". "" (the default, as nginx, HAProxy and Envoy) = none: nginx's
  // gzip_proxied off (its default) and IIS stop compressing any request that has a Via.
  std::string via;
};

struct Admin {
  std::string listen;  // "" = served on server.listen
};

enum class TrustMode { header, trusted_peers, jwt };
enum class FallbackPolicy { use_default, reject };  // YAML: default | reject

struct JwtTrust {
  std::string header = "Authorization";
  std::string claim = "tier";
  std::vector<std::string> algorithms = {"HS256"};
  std::string hs256_secret_env = "TIER_JWT_SECRET";
  std::string public_key_file;
  std::string issuer;
  std::string audience;
  // Keys from an identity provider's JWKS (https only; "" = not used): RS*/ES* tokens are
  // verified with the key their `kid` names (README "JWKS").
  std::string jwks_url;
  std::uint32_t jwks_refresh_s = 300;     // fetched again this often
  std::uint32_t jwks_min_refresh_s = 30;  // a token with an unknown kid fetches at most this often
  std::string jwks_ca_file;               // "" = the system's CAs
};

struct Trust {
  TrustMode mode = TrustMode::header;
  std::vector<std::string> trusted_cidrs;
  JwtTrust jwt;
  FallbackPolicy on_untrusted = FallbackPolicy::use_default;
};

// Hedging (README "Retries"): for idempotent requests without a body, another try on another
// endpoint when the first has no answer head after a delay; the first head wins.
struct Hedge {
  std::uint32_t delay_ms = 0;      // 0 = auto: the pool's recent p95, at least min_delay_ms
  std::uint32_t min_delay_ms = 5;  // the floor of the auto delay
  std::uint32_t max_hedges = 1;    // extra tries at most, one per delay
};

struct TierClass {
  std::string name;  // upper-case, e.g. "LITE"
  std::string pool;
  int priority = 0;
  std::uint32_t latency_budget_ms = 100;
  std::uint32_t timeout_ms = 1000;
  std::uint32_t shed_at_percent = 100;
  // A try with no answer head after this long is abandoned and retried elsewhere, when a retry
  // could follow it (README "Retries"). 0 = off: a try may take the whole timeout_ms.
  std::uint32_t per_try_timeout_ms = 0;
  std::optional<Hedge> hedge;  // absent: no hedging
  SourceMark mark;
};

struct Tiers {
  std::string header = "X-User-Tier";
  std::string default_tier = "LITE";
  FallbackPolicy on_unknown = FallbackPolicy::use_default;
  Trust trust;
  std::vector<TierClass> classes;  // in file order; the contract's six when the key is absent
  bool routing_enabled = true;     // TIER_ROUTING_ENABLED=false turns it off
};

// A connection whose requests are refused (503 overloaded, 429 rate_limited) again and again,
// each sooner than the last refusal's Retry-After, is a closed-loop flood: after `after`
// refusals in a row its next refusal is held `delay_ms` and the connection closed (HAProxy's
// tarpit), so the flood costs a timer, not the core premium requests need.
struct Tarpit {
  std::uint32_t after = 0;  // 0: off
  std::uint32_t delay_ms = 1000;
};

struct Overload {
  std::uint32_t max_in_flight = 4096;
  Tarpit tarpit;
};

// rate_limits: token buckets per tier class and per client key (README "Rate limits").
// A class without an entry, or an entry without `class`/`client`, is not limited.
struct RateLimit {
  double requests_per_second = 0;
  std::uint32_t burst = 0;  // 0 = one second's worth: requests_per_second rounded up
};

enum class ClientKeyKind {
  client_ip,
  jwt_subject,
  header
};  // YAML: client_ip | jwt_subject |
    //       header:NAME

struct ClientRateLimit {
  RateLimit rate;
  ClientKeyKind key = ClientKeyKind::client_ip;
  std::string header;  // key == header: the header's name
};

struct ClassRateLimits {
  std::string class_name;                 // upper-case
  std::optional<RateLimit> class_limit;   // one bucket for the whole class
  std::optional<ClientRateLimit> client;  // one bucket per client of the class
  std::optional<RateLimit> fleet;         // one bucket for the class across every router (Redis)
};

// Where the fleet's buckets live: rate_limits.redis (REDIS_URL overrides url).
struct FleetRedis {
  std::string url;                      // redis://... or rediss://...; "" = none
  std::uint32_t sync_interval_ms = 20;  // how often a router takes more of the fleet's tokens
  std::uint32_t timeout_ms = 250;       // connect, and each exchange with Redis
  std::string key_prefix = "smart-router:quota:";
  std::string ca_file;        // rediss://: CA bundle ("" = the system's)
  bool url_from_env = false;  // REDIS_URL gave `url` (and checked it)
  bool operator==(const FleetRedis&) const = default;
};

struct RateLimits {
  std::uint32_t max_client_keys = 100000;  // per-client buckets held router-wide
  std::vector<ClassRateLimits> classes;    // in file order
  FleetRedis redis;

  const ClassRateLimits* find(const std::string& class_name) const {
    for (const auto& c : classes)
      if (c.class_name == class_name) return &c;
    return nullptr;
  }
};

struct RouteMatch {
  std::vector<std::string> path_prefix;
  std::vector<std::string> path_exact;
  std::vector<std::string> path_regex;
  std::vector<std::string> methods;                         // upper-case
  std::map<std::string, std::vector<std::string>> headers;  // name -> accepted values
  std::vector<std::string> tiers;                           // upper-case class names
};

struct RespondAction {
  unsigned status = 403;
  std::string error = "forbidden";
};

enum class RouteActionKind { pool, tier_pool, respond };

struct Route {
  std::string name;
  RouteMatch match;
  RouteActionKind action = RouteActionKind::tier_pool;
  std::string pool;       // action == pool
  RespondAction respond;  // action == respond
  SourceMark mark;
};

struct HealthCheck {
  bool enabled = true;
  std::string path = "/health";
  std::uint32_t interval_ms = 5000;
  std::uint32_t timeout_ms = 1000;
  std::uint32_t healthy_threshold = 2;
  std::uint32_t unhealthy_threshold = 2;
  std::vector<unsigned> expected_status = {200};
};

struct OutlierDetection {
  std::uint32_t consecutive_failures = 5;
  std::uint32_t ejection_ms = 30000;
  std::uint32_t max_ejection_percent = 50;  // of the pool, rounded down (50% of 1 is 0)
  // Below this share of non-ejected endpoints (among those passing active checks) the pool
  // ignores ejections and uses every endpoint (Envoy's healthy panic threshold). 0 = never.
  std::uint32_t panic_threshold_percent = 50;
};

struct Retries {
  std::uint32_t attempts = 1;  // retries after the first try
  bool on_connect_failure = true;
  bool on_reset = true;
  bool on_503 = true;
  bool idempotent_only = true;
};

// Retries (and hedges) in flight to a pool at most: max(min_concurrent, percent% of the pool's
// requests in flight), as Envoy's retry_budget.
struct RetryBudget {
  std::uint32_t percent = 20;
  std::uint32_t min_concurrent = 3;
};

struct UpstreamTls {
  bool enabled = false;
  bool verify = true;
  std::string ca_file;
  std::string sni;
};

// Requests in flight to one pool, router-wide, shared out among the tier classes by their
// shed_at_percent (premium keeps a reserve), with a deadline-aware queue behind the limit.
struct PoolConcurrency {
  std::uint32_t limit = 0;  // 0: no pool limit and no queue
  bool adaptive = false;    // the limit follows the pool's latency, min_limit..limit
  std::uint32_t min_limit = 8;
  std::uint32_t tolerance_percent = 150;  // latency may reach this % of the no-queue latency
  std::uint32_t queue_length = 1000;      // waiting requests at most; 0: refuse at once
};

enum class LoadBalancing { round_robin, least_request, random };

struct Pool {
  std::string name;
  std::vector<std::string> endpoints;  // "host:port"
  std::uint32_t dns_refresh_ms = 5000;
  LoadBalancing load_balancing = LoadBalancing::least_request;
  std::uint32_t connect_timeout_ms = 250;
  std::uint32_t max_idle_per_endpoint = 64;
  HealthCheck health_check;
  OutlierDetection outlier_detection;
  Retries retries;
  RetryBudget retry_budget;
  UpstreamTls tls;
  PoolConcurrency concurrency;
  SourceMark mark;
};

enum class LogLevel { trace, debug, info, warn, error };

struct Logging {
  LogLevel level = LogLevel::info;
  std::string access_log = "stdout";  // stdout | off | a file path
};

struct Config {
  Server server;
  Admin admin;
  Tiers tiers;
  Overload overload;
  RateLimits rate_limits;
  std::vector<Route> routes;
  std::vector<Pool> pools;  // in file order
  Logging logging;

  const Pool* find_pool(const std::string& name) const {
    for (const auto& p : pools)
      if (p.name == name) return &p;
    return nullptr;
  }
};

}  // namespace smart_router::config
