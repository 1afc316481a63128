#include "smart_router/config/defaults.hpp"

namespace smart_router::config {

namespace {
TierClass make_class(const char* name, const char* pool, int priority, std::uint32_t budget_ms,
                     std::uint32_t timeout_ms, std::uint32_t shed_at_percent) {
  TierClass c;
  c.name = name;
  c.pool = pool;
  c.priority = priority;
  c.latency_budget_ms = budget_ms;
  c.timeout_ms = timeout_ms;
  c.shed_at_percent = shed_at_percent;
  return c;
}

const std::vector<std::string> kPremiumPrefixes = {"/api/v1/premium/", "/api/v1/elite/",
                                                   "/api/v1/black/"};
}  // namespace

std::vector<TierClass> default_tier_classes() {
  return {
      make_class("LITE", "shared", 0, 100, 1000, 70),
      make_class("PRO", "shared", 1, 100, 1000, 85),
      make_class("ELITE", "premium", 2, 50, 500, 100),
      make_class("BLACK", "premium", 3, 50, 500, 100),
      make_class("OBSIDIAN", "premium", 3, 50, 500, 100),
      make_class("VOID", "premium", 3, 50, 500, 100),
  };
}

std::vector<Route> default_routes() {
  Route premium;
  premium.name = "premium-paths";
  premium.match.path_prefix = kPremiumPrefixes;
  premium.match.tiers = {"ELITE", "BLACK", "OBSIDIAN", "VOID"};
  premium.action = RouteActionKind::pool;
  premium.pool = "premium";

  Route denied;
  denied.name = "premium-paths-denied";
  denied.match.path_prefix = kPremiumPrefixes;
  denied.action = RouteActionKind::respond;
  denied.respond = RespondAction{403, "tier_required"};

  Route by_tier;
  by_tier.name = "by-tier";
  by_tier.action = RouteActionKind::tier_pool;

  return {premium, denied, by_tier};
}

}  // namespace smart_router::config
