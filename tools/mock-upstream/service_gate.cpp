#include "service_gate.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <chrono>

namespace mock_upstream {

namespace {

using namespace net::experimental::awaitable_operators;  // NOLINT(google-build-using-namespace)

std::uint64_t now_us() {
  static const auto origin = std::chrono::steady_clock::now();
  const auto elapsed = std::chrono::steady_clock::now() - origin;
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
}

// Completes when the client closes or resets the connection. Bytes that arrive instead are kept
// for the session; the watch then only waits to be cancelled by the other branch.
net::awaitable<void> watch_close(tcp::socket& socket, beast::flat_buffer& buffer) {
  constexpr std::size_t kChunk = 4096;
  auto [ec, n] = co_await socket.async_read_some(buffer.prepare(kChunk), kTok);
  if (ec) co_return;
  buffer.commit(n);
  // Only the other branch's completion (which cancels this wait) ends it.
  net::steady_timer forever{socket.get_executor(), net::steady_timer::time_point::max()};
  [[maybe_unused]] auto [wait_ec] = co_await forever.async_wait(kTok);
}

net::awaitable<void> wait_timer(net::steady_timer& timer) {
  [[maybe_unused]] auto [ec] = co_await timer.async_wait(kTok);
}

}  // namespace

net::awaitable<bool> wait_unless_closed(tcp::socket& socket, beast::flat_buffer& buffer,
                                        net::steady_timer& timer) {
  auto wait = wait_timer(timer);
  auto watch = watch_close(socket, buffer);
  const auto first = co_await (std::move(wait) || std::move(watch));
  co_return first.index() == 0;
}

net::awaitable<std::optional<ServiceRecord>> serve_in_slot(tcp::socket& socket,
                                                           beast::flat_buffer& buffer,
                                                           Capacity& capacity) {
  SlotHold hold{capacity};
  auto acquire = hold.acquire();
  auto watch = watch_close(socket, buffer);
  const auto queued = co_await (std::move(acquire) || std::move(watch));
  if (queued.index() == 1 || !hold.held()) co_return std::nullopt;

  ServiceRecord record;
  record.order = capacity.next_service_order();
  record.start_us = now_us();
  net::steady_timer service{socket.get_executor(),
                            std::chrono::milliseconds(capacity.service_ms())};
  if (!co_await wait_unless_closed(socket, buffer, service)) {
    [[maybe_unused]] auto [ec] = co_await service.async_wait(kTok);  // the rest of the work
    co_return std::nullopt;
  }
  record.end_us = now_us();
  capacity.count_served();
  co_return record;
}

}  // namespace mock_upstream
