#include "smart_router/health/ejection_watch.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace smart_router::health {
namespace net = boost::asio;

net::awaitable<void> watch_ejections(std::vector<std::shared_ptr<upstream::UpstreamPool>> pools,
                                     std::shared_ptr<bool> running, std::uint32_t period_ms) {
  net::steady_timer timer(co_await net::this_coro::executor);
  while (*running) {
    const auto now = upstream::steady_now_ms();
    for (const auto& pool : pools) pool->announce_ended_ejections(now);
    timer.expires_after(std::chrono::milliseconds(period_ms));
    co_await timer.async_wait(net::as_tuple(net::use_awaitable));
  }
}

}  // namespace smart_router::health
