// GET /debug/config and GET /debug/routes: what the router is serving, for an operator.
#include "smart_router/admin/admin_handler.hpp"
#include "smart_router/config/config_json.hpp"

namespace smart_router::admin {
namespace {

using Json = nlohmann::ordered_json;

// Where each route sends a request, spelled out: a tier_pool route's pool depends on the class.
Json route_entry(const config::Route& r, std::size_t index, const config::Tiers& tiers) {
  Json j = {{"index", index}, {"name", r.name}, {"match", config::to_json(r.match)}};
  switch (r.action) {
    case config::RouteActionKind::pool:
      j["action"] = "pool";
      j["pool"] = r.pool;
      break;
    case config::RouteActionKind::tier_pool: {
      j["action"] = "tier_pool";
      Json pools = Json::object();
      for (const auto& c : tiers.classes) pools[c.name] = c.pool;
      j["pools"] = pools;
      break;
    }
    case config::RouteActionKind::respond:
      j["action"] = "respond";
      j["respond"] = {{"status", r.respond.status}, {"error", r.respond.error}};
      break;
  }
  return j;
}

}  // namespace

bool is_debug_path(std::string_view path) {
  return path == "/debug/config" || path == "/debug/routes";
}

std::optional<AdminAnswer> answer_debug(std::string_view path, const config::Config& config,
                                        std::uint64_t generation) {
  Json body = {{"generation", generation}};
  if (path == "/debug/config") {
    body["config"] = config::to_json(config);
  } else if (path == "/debug/routes") {
    Json routes = Json::array();
    for (std::size_t i = 0; i < config.routes.size(); ++i)
      routes.push_back(route_entry(config.routes[i], i, config.tiers));
    body["routes"] = routes;
    body["no_match"] = {{"status", 404}, {"error", "no_route"}};
  } else {
    return std::nullopt;
  }
  return AdminAnswer{200, "application/json", body.dump(2) + "\n"};
}

}  // namespace smart_router::admin
