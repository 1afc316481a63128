#include "capacity.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>

namespace mock_upstream {

Capacity::Capacity(unsigned slots, std::uint64_t service_ms) {
  stats_.slots = slots;
  stats_.service_ms = service_ms;
}

net::awaitable<void> Capacity::acquire(bool& granted) {
  const net::any_io_executor executor = co_await net::this_coro::executor;
  std::shared_ptr<Waiter> waiter;
  {
    const std::lock_guard lock{mutex_};
    if (stats_.in_service < stats_.slots) {
      ++stats_.in_service;
      granted = true;
    } else {
      waiter = std::make_shared<Waiter>(executor);
      queue_.push_back(waiter);
      stats_.queued = queue_.size();
      stats_.max_queued = std::max(stats_.max_queued, stats_.queued);
    }
  }
  if (granted) co_return;
  // Ends when release() hands this waiter its slot, or when the caller's wait is cancelled.
  [[maybe_unused]] auto [ec] = co_await waiter->timer.async_wait(kTok);
  const std::lock_guard lock{mutex_};
  if (waiter->granted) {
    granted = true;
    co_return;
  }
  queue_.erase(std::find(queue_.begin(), queue_.end(), waiter));
  stats_.queued = queue_.size();
}

void Capacity::release() {
  std::shared_ptr<Waiter> next;
  {
    const std::lock_guard lock{mutex_};
    if (queue_.empty()) {
      --stats_.in_service;
      return;
    }
    // The slot passes straight to the oldest waiter: in_service does not change.
    next = std::move(queue_.front());
    queue_.pop_front();
    stats_.queued = queue_.size();
    next->granted = true;
  }
  // The timer belongs to the waiter's executor; the copy of `next` keeps it alive until then.
  net::post(next->timer.get_executor(), [next] { next->timer.cancel(); });
}

void Capacity::count_served() {
  const std::lock_guard lock{mutex_};
  ++stats_.served;
}

std::uint64_t Capacity::service_ms() const {
  const std::lock_guard lock{mutex_};
  return stats_.service_ms;
}

void Capacity::set_service_ms(std::uint64_t ms) {
  const std::lock_guard lock{mutex_};
  stats_.service_ms = ms;
}

std::uint64_t Capacity::next_service_order() {
  const std::lock_guard lock{mutex_};
  return ++started_;
}

CapacityStats Capacity::stats() const {
  const std::lock_guard lock{mutex_};
  return stats_;
}

}  // namespace mock_upstream
