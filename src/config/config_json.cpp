#include "smart_router/config/config_json.hpp"

#include "smart_router/config/enums.hpp"
#include "smart_router/config/redis_url.hpp"

namespace smart_router::config {
namespace {

using Json = nlohmann::ordered_json;

std::string str(std::string_view s) {
  return std::string(s);
}

Json server_json(const Server& s) {
  Json j = {{"listen", s.listen}, {"workers", s.workers}};
  // Paths only: the key's material is never read here.
  if (s.tls) j["tls"] = {{"cert_file", s.tls->cert_file}, {"key_file", s.tls->key_file}};
  j["limits"] = {{"max_header_bytes", s.limits.max_header_bytes},
                 {"max_body_bytes", s.limits.max_body_bytes},
                 {"header_timeout_ms", s.limits.header_timeout_ms},
                 {"idle_timeout_ms", s.limits.idle_timeout_ms},
                 {"max_connections", s.limits.max_connections}};
  j["drain_timeout_ms"] = s.drain_timeout_ms;
  j["via"] = s.via;
  return j;
}

Json tiers_json(const Tiers& t) {
  const auto& jwt = t.trust.jwt;
  Json classes = Json::object();
  for (const auto& c : t.classes)
    classes[c.name] = {{"pool", c.pool},
                       {"priority", c.priority},
                       {"latency_budget_ms", c.latency_budget_ms},
                       {"timeout_ms", c.timeout_ms},
                       {"shed_at_percent", c.shed_at_percent}};
  return {{"header", t.header},
          {"default", t.default_tier},
          {"on_unknown", str(to_string(t.on_unknown))},
          {"routing_enabled", t.routing_enabled},  // TIER_ROUTING_ENABLED
          {"trust",
           {{"mode", str(to_string(t.trust.mode))},
            {"trusted_cidrs", t.trust.trusted_cidrs},
            // The secret's variable name, never its value.
            {"jwt",
             {{"header", jwt.header},
              {"claim", jwt.claim},
              {"algorithms", jwt.algorithms},
              {"hs256_secret_env", jwt.hs256_secret_env},
              {"public_key_file", jwt.public_key_file},
              {"issuer", jwt.issuer},
              {"audience", jwt.audience}}},
            {"on_untrusted", str(to_string(t.trust.on_untrusted))}}},
          {"classes", classes}};
}

Json rate_json(const RateLimit& r) {
  return {{"requests_per_second", r.requests_per_second}, {"burst", r.burst}};
}

Json rate_limits_json(const RateLimits& r) {
  Json classes = Json::object();
  for (const auto& c : r.classes) {
    Json entry = Json::object();
    if (c.class_limit) entry["class"] = rate_json(*c.class_limit);
    if (c.client) {
      Json client = rate_json(c.client->rate);
      switch (c.client->key) {
        case ClientKeyKind::client_ip:
          client["key"] = "client_ip";
          break;
        case ClientKeyKind::jwt_subject:
          client["key"] = "jwt_subject";
          break;
        case ClientKeyKind::header:
          client["key"] = "header:" + c.client->header;
          break;
      }
      entry["client"] = client;
    }
    if (c.fleet) entry["fleet"] = rate_json(*c.fleet);
    classes[c.class_name] = entry;
  }
  const Json redis = {{"url", redacted_redis_url(r.redis.url)},
                      {"sync_interval_ms", r.redis.sync_interval_ms},
                      {"timeout_ms", r.redis.timeout_ms},
                      {"key_prefix", r.redis.key_prefix},
                      {"ca_file", r.redis.ca_file}};
  return {{"max_client_keys", r.max_client_keys}, {"classes", classes}, {"redis", redis}};
}

Json route_json(const Route& r) {
  Json j = {{"name", r.name}, {"match", to_json(r.match)}};
  switch (r.action) {
    case RouteActionKind::pool:
      j["pool"] = r.pool;
      break;
    case RouteActionKind::tier_pool:
      j["tier_pool"] = true;
      break;
    case RouteActionKind::respond:
      j["respond"] = {{"status", r.respond.status}, {"error", r.respond.error}};
      break;
  }
  return j;
}

Json pool_json(const Pool& p) {
  const auto& hc = p.health_check;
  const auto& od = p.outlier_detection;
  std::vector<std::string> retry_on;
  if (p.retries.on_connect_failure) retry_on.emplace_back("connect_failure");
  if (p.retries.on_reset) retry_on.emplace_back("reset");
  if (p.retries.on_503) retry_on.emplace_back("503");
  return {
      {"endpoints", p.endpoints},  // after SHARED_ENDPOINT / PREMIUM_ENDPOINT
      {"dns_refresh_ms", p.dns_refresh_ms},
      {"load_balancing", str(to_string(p.load_balancing))},
      {"connect_timeout_ms", p.connect_timeout_ms},
      {"max_idle_per_endpoint", p.max_idle_per_endpoint},
      {"health_check",
       {{"enabled", hc.enabled},
        {"path", hc.path},
        {"interval_ms", hc.interval_ms},
        {"timeout_ms", hc.timeout_ms},
        {"healthy_threshold", hc.healthy_threshold},
        {"unhealthy_threshold", hc.unhealthy_threshold},
        {"expected_status", hc.expected_status}}},
      {"outlier_detection",
       {{"consecutive_failures", od.consecutive_failures},
        {"ejection_ms", od.ejection_ms},
        {"max_ejection_percent", od.max_ejection_percent},
        {"panic_threshold_percent", od.panic_threshold_percent}}},
      {"retries",
       {{"attempts", p.retries.attempts},
        {"on", retry_on},
        {"idempotent_only", p.retries.idempotent_only}}},
      {"tls",
       {{"enabled", p.tls.enabled},
        {"verify", p.tls.verify},
        {"ca_file", p.tls.ca_file},
        {"sni", p.tls.sni}}},
      {"concurrency",
       {{"limit", p.concurrency.limit},
        {"adaptive", p.concurrency.adaptive},
        {"min_limit", p.concurrency.min_limit},
        {"tolerance_percent", p.concurrency.tolerance_percent},
        {"queue_length", p.concurrency.queue_length}}},
  };
}

}  // namespace

Json to_json(const RouteMatch& m) {
  Json j = Json::object();
  auto list = [&](const char* key, const std::vector<std::string>& values) {
    if (!values.empty()) j[key] = values;
  };
  list("path_prefix", m.path_prefix);
  list("path_exact", m.path_exact);
  list("path_regex", m.path_regex);
  list("methods", m.methods);
  if (!m.headers.empty()) j["headers"] = m.headers;
  list("tiers", m.tiers);
  return j;
}

Json to_json(const Config& c) {
  Json routes = Json::array();
  for (const auto& r : c.routes) routes.push_back(route_json(r));
  Json pools = Json::object();
  for (const auto& p : c.pools) pools[p.name] = pool_json(p);
  return {{"server", server_json(c.server)},
          {"admin", {{"listen", c.admin.listen}}},
          {"tiers", tiers_json(c.tiers)},
          {"overload", {{"max_in_flight", c.overload.max_in_flight}}},
          {"rate_limits", rate_limits_json(c.rate_limits)},
          {"routes", routes},
          {"pools", pools},
          {"logging",
           {{"level", str(to_string(c.logging.level))}, {"access_log", c.logging.access_log}}}};
}

}  // namespace smart_router::config
