// The router's own endpoints: /health, /ready, /metrics. Pure answers; the session writes them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smart_router/config/config.hpp"
#include "smart_router/observability/metrics.hpp"

namespace smart_router::admin {

struct PoolStatus {
  std::string name;
  std::size_t healthy = 0;  // passing active checks (all, with checks off)
  std::size_t total = 0;
  std::size_t ejected = 0;  // by passive outlier detection, right now
  bool panic = false;       // ejections ignored: too few endpoints left without one
};

// The JWKS of JWT trust (tiers.trust.jwt.jwks_url), for /ready.
struct JwksStatus {
  bool attempted = false;  // the first fetch has finished, either way
  std::size_t keys = 0;
  std::string last_error;
};

struct AdminAnswer {
  unsigned status = 200;
  std::string content_type;
  std::string body;
};

bool is_admin_path(std::string_view path);

// nullopt when `path` is not an admin endpoint.
// /ready also waits for the first JWKS fetch to finish (`jwks`, when JWKS keys are used).
std::optional<AdminAnswer> answer_admin(std::string_view path, bool draining,
                                        const std::vector<PoolStatus>& reachable_pools,
                                        observability::Metrics& metrics,
                                        const std::optional<JwksStatus>& jwks = std::nullopt);

// GET /debug/config (the effective config: the file after the environment's overrides, secrets
// never in it) and GET /debug/routes (the route table in order: matchers and pools). Served on
// the admin listener only (admin.listen set). nullopt when `path` is neither.
bool is_debug_path(std::string_view path);
std::optional<AdminAnswer> answer_debug(std::string_view path, const config::Config& config,
                                        std::uint64_t generation);

}  // namespace smart_router::admin
