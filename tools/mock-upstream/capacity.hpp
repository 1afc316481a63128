// Capacity mode (--slots N --service-ms T): at most N requests in service at once, each held
// T ms, the rest waiting in arrival order, as an app server with a pool of N threads does.
// Shared by every worker thread; a waiter is woken on its own executor.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>

#include "asio.hpp"
#include "capacity_stats.hpp"

namespace mock_upstream {

class Capacity {
 public:
  Capacity(unsigned slots, std::uint64_t service_ms);

  // Waits for a free slot in FIFO order; true once it holds one. A cancelled wait leaves the
  // queue; a slot granted at the same moment is kept in `granted` for the caller to give back.
  net::awaitable<void> acquire(bool& granted);
  void release();

  void count_served();
  std::uint64_t service_ms() const;
  void set_service_ms(std::uint64_t ms);
  // 1-based order in which requests enter service.
  std::uint64_t next_service_order();
  CapacityStats stats() const;

 private:
  struct Waiter {
    explicit Waiter(const net::any_io_executor& executor)
        : timer{executor, net::steady_timer::time_point::max()} {}
    net::steady_timer timer;
    bool granted = false;  // guarded by mutex_
  };

  mutable std::mutex mutex_;
  std::deque<std::shared_ptr<Waiter>> queue_;
  CapacityStats stats_;
  std::uint64_t started_ = 0;
};

// Holds a slot for one request and gives it back when it goes out of scope.
class SlotHold {
 public:
  explicit SlotHold(Capacity& capacity) : capacity_{capacity} {}
  SlotHold(const SlotHold&) = delete;
  SlotHold& operator=(const SlotHold&) = delete;
  ~SlotHold() {
    if (granted_) capacity_.release();
  }
  net::awaitable<void> acquire() { return capacity_.acquire(granted_); }
  bool held() const { return granted_; }

 private:
  Capacity& capacity_;
  bool granted_ = false;
};

}  // namespace mock_upstream
