// One watchdog timer per connection. Setting a deadline is a plain store; the timer is re-armed
// only when a deadline moves earlier than the one it sleeps on, so a request costs at most a
// couple of timer operations however many phases it goes through.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

namespace smart_router {

class DeadlineWatch {
 public:
  using clock = std::chrono::steady_clock;

  // What to do when the deadline passes.
  enum class Action : std::uint8_t {
    cancel_client,   // cancel pending client I/O (the session can still answer, e.g. 408)
    close_upstream,  // close the upstream socket (its operations fail; the client gets 504)
    close_both,      // stalled transfer: close both sides
  };

  explicit DeadlineWatch(const boost::asio::any_io_executor& ex) : timer_(ex) {}

  void set_client(boost::asio::ip::tcp::socket* s) { client_ = s; }
  void set_upstream(boost::asio::ip::tcp::socket* s) { upstream_ = s; }

  void arm(clock::time_point at, Action action) {
    deadline_ = at;
    action_ = action;
    fired_ = false;
    if (at < armed_) timer_.cancel();
  }
  void arm_after(std::chrono::milliseconds d, Action action) { arm(clock::now() + d, action); }
  void disarm() { deadline_ = clock::time_point::max(); }

  // Closes the upstream socket at once, as if its deadline had passed (fired() turns true): a
  // hedge race's loser is ended this way.
  void close_upstream_now() {
    fired_ = true;
    boost::system::error_code ignored;
    if (upstream_ != nullptr) upstream_->close(ignored);
  }

  // Did the last armed deadline pass (and its action run)?
  bool fired() const { return fired_; }

  // The watchdog loop; co_spawn it with something keeping `this` alive until stop().
  boost::asio::awaitable<void> run();
  void stop() {
    stopped_ = true;
    timer_.cancel();
  }

 private:
  void fire();

  boost::asio::steady_timer timer_;
  clock::time_point deadline_ = clock::time_point::max();
  clock::time_point armed_ = clock::time_point::max();
  Action action_ = Action::cancel_client;
  bool fired_ = false;
  bool stopped_ = false;
  boost::asio::ip::tcp::socket* client_ = nullptr;
  boost::asio::ip::tcp::socket* upstream_ = nullptr;
};

}  // namespace smart_router
