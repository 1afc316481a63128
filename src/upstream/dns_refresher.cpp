#include "smart_router/upstream/dns_refresher.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace smart_router::upstream {
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

net::awaitable<void> refresh_loop(std::shared_ptr<Endpoint> ep, std::uint32_t every_ms,
                                  std::shared_ptr<bool> running) {
  auto ex = co_await net::this_coro::executor;
  tcp::resolver resolver(ex);
  net::steady_timer timer(ex);
  while (*running) {
    auto [ec, results] =
        co_await resolver.async_resolve(ep->host(), ep->port(), net::as_tuple(net::use_awaitable));
    if (!*running) break;
    if (ec) {
      // Keep the last good addresses: a DNS hiccup must not take the endpoint away.
      spdlog::warn("pool {}: cannot resolve {}: {}", ep->pool(), ep->address(), ec.message());
    } else {
      std::vector<tcp::endpoint> addrs;
      for (const auto& r : results) addrs.push_back(r.endpoint());
      ep->set_resolved(std::move(addrs));
    }
    timer.expires_after(std::chrono::milliseconds(every_ms));
    co_await timer.async_wait(net::as_tuple(net::use_awaitable));
  }
}

}  // namespace

void DnsRefresher::watch(const std::vector<std::shared_ptr<UpstreamPool>>& pools) {
  stop();
  running_ = std::make_shared<bool>(true);
  for (const auto& pool : pools) {
    for (const auto& ep : pool->endpoints()) {
      boost::system::error_code ec;
      const auto ip = net::ip::make_address(ep->host(), ec);
      if (!ec) {
        ep->set_resolved({tcp::endpoint(ip, static_cast<unsigned short>(std::stoul(ep->port())))});
        continue;
      }
      net::co_spawn(
          ioc_,
          refresh_loop(ep, std::max<std::uint32_t>(pool->config().dns_refresh_ms, 100), running_),
          net::detached);
    }
  }
}

}  // namespace smart_router::upstream
