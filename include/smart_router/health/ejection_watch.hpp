// Passive ejections end by time, not by an event: this loop notices each end and logs it (at
// warn, beside the ejection's own line), so an operator reading the log sees both edges.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <vector>

#include "smart_router/upstream/upstream_pool.hpp"

namespace smart_router::health {

// Runs on the control thread while *running; checks every `period_ms`.
boost::asio::awaitable<void> watch_ejections(
    std::vector<std::shared_ptr<upstream::UpstreamPool>> pools, std::shared_ptr<bool> running,
    std::uint32_t period_ms);

}  // namespace smart_router::health
