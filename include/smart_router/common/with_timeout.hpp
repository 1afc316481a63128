// Runs an awaitable against a timer: its result, or nullopt when `timeout` passed first (the
// awaitable is then cancelled). For the router's own exchanges (the JWKS fetch, the fleet
// quotas' Redis); the request path uses the connection's DeadlineWatch instead.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <optional>
#include <variant>

namespace smart_router {

template <typename T>
boost::asio::awaitable<std::optional<T>> with_timeout(boost::asio::awaitable<T> work,
                                                      std::chrono::milliseconds timeout) {
  namespace net = boost::asio;
  using namespace net::experimental::awaitable_operators;
  net::steady_timer timer(co_await net::this_coro::executor);
  timer.expires_after(timeout);
  // Named first: g++ 12 destroys temporaries of a co_await expression twice.
  auto expiry = timer.async_wait(net::as_tuple(net::use_awaitable));
  auto result = co_await (std::move(work) || std::move(expiry));
  if (result.index() == 0) co_return std::get<0>(std::move(result));
  co_return std::nullopt;
}

}  // namespace smart_router
