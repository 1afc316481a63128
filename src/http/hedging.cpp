#include "smart_router/http/hedging.hpp"

#include <algorithm>

namespace smart_router::http {
namespace bhttp = boost::beast::http;

bool hedgeable(bhttp::verb method, bool has_body, bool upgrade) {
  const bool safe =
      method == bhttp::verb::get || method == bhttp::verb::head || method == bhttp::verb::options;
  return safe && !has_body && !upgrade;
}

std::chrono::microseconds hedge_delay(const config::Hedge& h, double recent_p95_seconds) {
  using std::chrono::microseconds;
  if (h.delay_ms > 0) return std::chrono::milliseconds(h.delay_ms);
  const microseconds floor = std::chrono::milliseconds(h.min_delay_ms);
  const auto p95 = microseconds(static_cast<std::int64_t>(std::max(recent_p95_seconds, 0.0) * 1e6));
  return std::max(p95, floor);
}

}  // namespace smart_router::http
