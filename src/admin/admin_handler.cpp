#include "smart_router/admin/admin_handler.hpp"

#include <nlohmann/json.hpp>

namespace smart_router::admin {

bool is_admin_path(std::string_view path) {
  return path == "/health" || path == "/ready" || path == "/metrics";
}

std::optional<AdminAnswer> answer_admin(std::string_view path, bool draining,
                                        const std::vector<PoolStatus>& reachable_pools,
                                        observability::Metrics& metrics,
                                        const std::optional<JwksStatus>& jwks) {
  if (path == "/health") {
    if (draining) return AdminAnswer{503, "application/json", R"({"status":"draining"})"};
    return AdminAnswer{200, "application/json", R"({"status":"ok"})"};
  }
  if (path == "/ready") {
    // Ready unless draining or some pool a route can reach has no endpoint passing the router's
    // own active checks. Passive ejections and overload never count: they follow the traffic,
    // and pulling every router out of the load balancer at once because upstreams are busy
    // would turn a brownout into an outage (README, "/ready").
    bool ready = !draining;
    nlohmann::json pools = nlohmann::json::object();
    nlohmann::json outliers = nlohmann::json::object();
    for (const auto& p : reachable_pools) {
      pools[p.name] = {{"healthy", p.healthy}, {"total", p.total}};
      if (p.ejected > 0 || p.panic) outliers[p.name] = {{"ejected", p.ejected}, {"panic", p.panic}};
      if (p.healthy == 0) ready = false;
    }
    nlohmann::json jwks_body;
    if (jwks) {
      // Not ready until the first fetch has finished, so a new router joins the load balancer
      // with its keys; a failed first fetch does not hold it back (README "JWKS"): tokens then
      // fall to on_untrusted, and the body says why.
      if (!jwks->attempted) ready = false;
      jwks_body = {{"keys", jwks->keys}};
      if (!jwks->attempted)
        jwks_body["error"] = "first fetch not finished";
      else if (!jwks->last_error.empty())
        jwks_body["error"] = jwks->last_error;
      if (jwks->attempted && jwks->keys == 0) jwks_body["tokens"] = "not honoured: no keys";
    }
    nlohmann::json body = {{"status", ready ? "ready" : (draining ? "draining" : "not_ready")},
                           {"pools", pools}};
    if (!outliers.empty()) body["outliers"] = outliers;
    if (jwks) body["jwks"] = jwks_body;
    return AdminAnswer{ready ? 200u : 503u, "application/json", body.dump()};
  }
  if (path == "/metrics") {
    return AdminAnswer{200, "text/plain; version=0.0.4; charset=utf-8", metrics.serialize()};
  }
  return std::nullopt;
}

}  // namespace smart_router::admin
