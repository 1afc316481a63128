#include "smart_router/config/env_overrides.hpp"

#include "smart_router/config/host_port.hpp"
#include "smart_router/config/redis_url.hpp"
#include "text.hpp"

namespace smart_router::config {

namespace {

ConfigError env_error(const char* var, std::string message) {
  return ConfigError{var, 0, 0, std::move(message)};
}

std::optional<std::string> lookup(const EnvLookup& env, const char* var) {
  if (!env) return std::nullopt;
  const char* value = env(var);
  if (value == nullptr || trim(value).empty()) return std::nullopt;
  return std::string(trim(value));
}

void apply_routing_enabled(Config& config, const EnvLookup& env, std::vector<ConfigError>& errors) {
  const auto value = lookup(env, kTierRoutingEnabledEnv);
  if (!value) return;
  const std::string v = to_upper(*value);
  if (v == "FALSE" || v == "0" || v == "NO") {
    config.tiers.routing_enabled = false;
  } else if (v == "TRUE" || v == "1" || v == "YES") {
    config.tiers.routing_enabled = true;
  } else {
    errors.push_back(env_error(kTierRoutingEnabledEnv,
                               "expected true or false (also 1/0, yes/no), got " + quote(*value)));
  }
}

void apply_endpoints(Config& config, ConfigMarks* marks, const EnvLookup& env, const char* var,
                     const std::string& pool_name, std::vector<ConfigError>& errors) {
  const auto value = lookup(env, var);
  if (!value) return;

  std::vector<std::string> endpoints;
  bool ok = true;
  std::string_view rest = *value;
  for (std::size_t index = 1;; ++index) {
    const auto comma = rest.find(',');
    const std::string item(trim(rest.substr(0, comma)));
    std::string why;
    if (item.empty()) {
      errors.push_back(env_error(
          var, "entry " + std::to_string(index) + " is empty (expected host:port[,host:port...])"));
      ok = false;
    } else if (!parse_endpoint(item, &why)) {
      errors.push_back(env_error(var, "invalid endpoint " + quote(item) + ": " + why));
      ok = false;
    } else {
      endpoints.push_back(item);
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }

  std::size_t index = config.pools.size();
  for (std::size_t i = 0; i < config.pools.size(); ++i)
    if (config.pools[i].name == pool_name) index = i;
  if (index == config.pools.size()) {
    std::vector<std::string> names;
    for (const auto& p : config.pools) names.push_back(p.name);
    errors.push_back(env_error(var, "no pool named " + quote(pool_name) + " in the config" +
                                        (names.empty() ? "" : " (pools: " + join(names) + ")")));
    return;
  }
  if (!ok) return;
  config.pools[index].endpoints = std::move(endpoints);
  if (marks != nullptr && index < marks->pools.size()) {
    FieldMarks& fm = marks->pools[index];
    const std::string prefix = fm.path + ".endpoints";
    std::erase_if(fm.at, [&](const auto& kv) { return kv.first.rfind(prefix, 0) == 0; });
    std::erase_if(fm.failed, [&](const auto& p) { return p.rfind(prefix, 0) == 0; });
  }
}

// REDIS_URL is a common name (other software in the pod may be given one): it is read only when
// a class has a fleet limit, and only then must it parse.
void apply_redis_url(Config& config, const EnvLookup& env, std::vector<ConfigError>& errors) {
  const auto value = lookup(env, kRedisUrlEnv);
  if (!value) return;
  bool fleet = false;
  for (const auto& c : config.rate_limits.classes) fleet = fleet || c.fleet.has_value();
  if (!fleet) return;
  std::string why;
  if (!parse_redis_url(*value, &why)) {
    errors.push_back(env_error(
        kRedisUrlEnv, "invalid Redis URL " + quote(redacted_redis_url(*value)) + ": " + why));
    return;
  }
  config.rate_limits.redis.url = *value;
  config.rate_limits.redis.url_from_env = true;
}

}  // namespace

std::vector<ConfigError> apply_env_overrides(Config& config, ConfigMarks* marks,
                                             const EnvLookup& env) {
  std::vector<ConfigError> errors;
  apply_routing_enabled(config, env, errors);
  apply_endpoints(config, marks, env, kSharedEndpointEnv, "shared", errors);
  apply_endpoints(config, marks, env, kPremiumEndpointEnv, "premium", errors);
  apply_redis_url(config, env, errors);
  return errors;
}

}  // namespace smart_router::config
