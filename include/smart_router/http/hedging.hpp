// Hedging decisions (pure): which requests may be hedged and after what delay. The race itself
// is hedge_race.hpp.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <cstdint>

#include "smart_router/config/config.hpp"

namespace smart_router::http {

struct HedgePlan {
  std::chrono::microseconds delay{0};  // before each hedge
  std::uint32_t max_hedges = 1;
};

// A request may be sent twice at once only when that can do no harm and no work is lost: GET,
// HEAD or OPTIONS, without a body, not an upgrade.
bool hedgeable(boost::beast::http::verb method, bool has_body, bool upgrade);

// The delay before a hedge: the class's delay_ms, or (0 = auto) the pool's recent p95 of
// request durations, never below min_delay_ms (also when nothing was observed yet).
std::chrono::microseconds hedge_delay(const config::Hedge& h, double recent_p95_seconds);

}  // namespace smart_router::http
