#include "smart_router/config/enums.hpp"

#include <array>
#include <utility>

namespace smart_router::config {

namespace {

template <class E, std::size_t N>
using Table = std::array<std::pair<std::string_view, E>, N>;

constexpr Table<TrustMode, 3> kTrustModes{{{"header", TrustMode::header},
                                           {"trusted_peers", TrustMode::trusted_peers},
                                           {"jwt", TrustMode::jwt}}};
constexpr Table<FallbackPolicy, 2> kFallbacks{
    {{"default", FallbackPolicy::use_default}, {"reject", FallbackPolicy::reject}}};
constexpr Table<LoadBalancing, 3> kBalancers{{{"round_robin", LoadBalancing::round_robin},
                                              {"least_request", LoadBalancing::least_request},
                                              {"random", LoadBalancing::random}}};
constexpr Table<LogLevel, 5> kLevels{{{"trace", LogLevel::trace},
                                      {"debug", LogLevel::debug},
                                      {"info", LogLevel::info},
                                      {"warn", LogLevel::warn},
                                      {"error", LogLevel::error}}};

template <class E, std::size_t N>
std::string_view name_of(const Table<E, N>& table, E v) {
  for (const auto& [name, value] : table)
    if (value == v) return name;
  return "?";
}

template <class E, std::size_t N>
std::optional<E> value_of(const Table<E, N>& table, std::string_view s) {
  for (const auto& [name, value] : table)
    if (name == s) return value;
  return std::nullopt;
}

template <class E, std::size_t N>
std::vector<std::string_view> names_of(const Table<E, N>& table) {
  std::vector<std::string_view> out;
  for (const auto& entry : table) out.push_back(entry.first);
  return out;
}

}  // namespace

std::string_view to_string(TrustMode v) {
  return name_of(kTrustModes, v);
}
std::string_view to_string(FallbackPolicy v) {
  return name_of(kFallbacks, v);
}
std::string_view to_string(LoadBalancing v) {
  return name_of(kBalancers, v);
}
std::string_view to_string(LogLevel v) {
  return name_of(kLevels, v);
}

std::string_view to_string(RouteActionKind v) {
  switch (v) {
    case RouteActionKind::pool:
      return "pool";
    case RouteActionKind::tier_pool:
      return "tier_pool";
    case RouteActionKind::respond:
      return "respond";
  }
  return "?";
}

std::optional<TrustMode> parse_trust_mode(std::string_view s) {
  return value_of(kTrustModes, s);
}
std::optional<FallbackPolicy> parse_fallback_policy(std::string_view s) {
  return value_of(kFallbacks, s);
}
std::optional<LoadBalancing> parse_load_balancing(std::string_view s) {
  return value_of(kBalancers, s);
}
std::optional<LogLevel> parse_log_level(std::string_view s) {
  return value_of(kLevels, s);
}

std::vector<std::string_view> trust_mode_names() {
  return names_of(kTrustModes);
}
std::vector<std::string_view> fallback_policy_names() {
  return names_of(kFallbacks);
}
std::vector<std::string_view> load_balancing_names() {
  return names_of(kBalancers);
}
std::vector<std::string_view> log_level_names() {
  return names_of(kLevels);
}

}  // namespace smart_router::config
