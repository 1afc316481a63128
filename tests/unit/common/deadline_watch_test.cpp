#include "smart_router/common/deadline_watch.hpp"

#include <gtest/gtest.h>

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <list>
#include <optional>

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;
using smart_router::DeadlineWatch;
using Action = DeadlineWatch::Action;
using Clock = std::chrono::steady_clock;

// Every wait is bounded by this; a passing test never gets near it.
constexpr auto kLimit = 10s;

class DeadlineWatchTest : public ::testing::Test {
 protected:
  DeadlineWatchTest() {
    tcp::acceptor acceptor(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    client_.connect(acceptor.local_endpoint());
    client_peer_ = acceptor.accept();
    upstream_.connect(acceptor.local_endpoint());
    upstream_peer_ = acceptor.accept();
    watch_.set_client(&client_);
    watch_.set_upstream(&upstream_);
  }

  ~DeadlineWatchTest() override {
    // Leave nothing pending: stop the loop and close everything, then let handlers finish.
    watch_.stop();
    for (auto& t : timers_) t.cancel();
    boost::system::error_code ec;
    client_.close(ec);
    upstream_.close(ec);
    client_peer_.close(ec);
    upstream_peer_.close(ec);
    ioc_.restart();
    ioc_.run_for(kLimit);
  }

  void start_watch() {
    asio::co_spawn(ioc_, watch_.run(), [this](std::exception_ptr e) {
      run_ended_ = true;
      run_error_ = e;
    });
  }

  // Starts a read on `s` that nothing will ever satisfy (the peer sends nothing). Its result
  // lives in the fixture, so a read still pending when a test ends completes harmlessly.
  std::optional<boost::system::error_code>& pending_read(tcp::socket& s) {
    auto& result = reads_.emplace_back();
    auto& buf = bufs_.emplace_back();
    s.async_read_some(asio::buffer(buf),
                      [&result](boost::system::error_code ec, std::size_t) { result = ec; });
    return result;
  }

  // Calls fn once `after` has passed (a timer event, not a sleep).
  asio::steady_timer& at(Clock::duration after, std::function<void()> fn) {
    auto& t = timers_.emplace_back(ioc_);
    t.expires_after(after);
    t.async_wait([fn = std::move(fn)](boost::system::error_code ec) {
      if (!ec) fn();
    });
    return t;
  }

  asio::io_context ioc_;
  tcp::socket client_{ioc_};
  tcp::socket client_peer_{ioc_};
  tcp::socket upstream_{ioc_};
  tcp::socket upstream_peer_{ioc_};
  DeadlineWatch watch_{ioc_.get_executor()};
  bool run_ended_ = false;
  std::exception_ptr run_error_;
  std::list<asio::steady_timer> timers_;
  std::list<std::optional<boost::system::error_code>> reads_;
  std::list<std::array<char, 1>> bufs_;
};

TEST_F(DeadlineWatchTest, CancelClientAbortsAPendingRead) {
  auto& read = pending_read(client_);
  start_watch();
  const auto start = Clock::now();
  watch_.arm_after(50ms, Action::cancel_client);
  while (!read && ioc_.run_one_for(kLimit) != 0) {
  }
  const auto read_done = Clock::now();

  ASSERT_TRUE(read.has_value()) << "the read was never cancelled";
  EXPECT_EQ(*read, asio::error::operation_aborted);
  EXPECT_TRUE(watch_.fired());
  EXPECT_GE(read_done - start, 50ms);
  EXPECT_LT(read_done - start, kLimit / 2);
  EXPECT_TRUE(client_.is_open());  // cancel_client cancels; the session may still answer 408
  EXPECT_TRUE(upstream_.is_open());
  // The watch keeps running after firing (the next phase may arm it again) until stop().
  EXPECT_FALSE(run_ended_);
  watch_.stop();
  ioc_.run_for(kLimit);
  EXPECT_TRUE(run_ended_);
  EXPECT_FALSE(run_error_);
}

TEST_F(DeadlineWatchTest, ArmedBeforeRunStartsStillFires) {
  auto& read = pending_read(client_);
  watch_.arm_after(30ms, Action::cancel_client);
  start_watch();
  at(kLimit / 2, [&] { watch_.stop(); });  // safety net only
  while (!read && ioc_.run_one_for(kLimit) != 0) {
  }
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(*read, asio::error::operation_aborted);
  EXPECT_TRUE(watch_.fired());
}

TEST_F(DeadlineWatchTest, RearmingLaterBeforeExpiryPreventsFiring) {
  auto& read = pending_read(client_);
  start_watch();
  const auto start = Clock::now();
  watch_.arm_after(50ms, Action::cancel_client);
  at(10ms, [&] { watch_.arm_after(400ms, Action::cancel_client); });  // progress: more time
  bool checked = false;
  at(150ms, [&] {
    // Well past the first deadline: it must not have fired.
    checked = true;
    EXPECT_FALSE(watch_.fired());
    EXPECT_FALSE(read.has_value());
  });
  while (!read && ioc_.run_one_for(kLimit) != 0) {
  }
  EXPECT_TRUE(checked);
  // The later deadline is still honoured.
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(*read, asio::error::operation_aborted);
  EXPECT_TRUE(watch_.fired());
  EXPECT_GE(Clock::now() - start, 410ms);
}

TEST_F(DeadlineWatchTest, RearmingEarlierWakesTheTimer) {
  auto& read = pending_read(client_);
  start_watch();
  const auto start = Clock::now();
  watch_.arm_after(kLimit * 10, Action::cancel_client);  // far away
  at(10ms, [&] { watch_.arm_after(40ms, Action::cancel_client); });
  while (!read && ioc_.run_one_for(kLimit) != 0) {
  }
  ASSERT_TRUE(read.has_value()) << "the earlier deadline never fired";
  EXPECT_EQ(*read, asio::error::operation_aborted);
  EXPECT_TRUE(watch_.fired());
  EXPECT_LT(Clock::now() - start, kLimit);
}

TEST_F(DeadlineWatchTest, DisarmPreventsFiring) {
  auto& read = pending_read(client_);
  start_watch();
  watch_.arm_after(50ms, Action::cancel_client);
  at(10ms, [&] { watch_.disarm(); });
  bool checked = false;
  at(200ms, [&] {
    checked = true;
    watch_.stop();
  });
  while (!checked && ioc_.run_one_for(kLimit) != 0) {
  }
  ASSERT_TRUE(checked);
  EXPECT_FALSE(watch_.fired());
  EXPECT_FALSE(read.has_value());
}

TEST_F(DeadlineWatchTest, StopEndsRun) {
  start_watch();
  watch_.arm_after(kLimit * 10, Action::cancel_client);
  at(20ms, [&] { watch_.stop(); });
  const auto start = Clock::now();
  while (!run_ended_ && ioc_.run_one_for(kLimit) != 0) {
  }
  EXPECT_TRUE(run_ended_);
  EXPECT_FALSE(run_error_);
  EXPECT_FALSE(watch_.fired());
  EXPECT_LT(Clock::now() - start, kLimit);
}

TEST_F(DeadlineWatchTest, StopWithNothingArmedEndsRun) {
  start_watch();
  asio::post(ioc_, [&] { watch_.stop(); });
  ioc_.run_for(kLimit);
  EXPECT_TRUE(run_ended_);
}

TEST_F(DeadlineWatchTest, CloseUpstreamClosesOnlyTheUpstream) {
  auto& up_read = pending_read(upstream_);
  auto& client_read = pending_read(client_);
  start_watch();
  watch_.arm_after(30ms, Action::close_upstream);
  while (!up_read && ioc_.run_one_for(kLimit) != 0) {
  }
  ASSERT_TRUE(up_read.has_value());
  EXPECT_EQ(*up_read, asio::error::operation_aborted);
  EXPECT_FALSE(upstream_.is_open());
  EXPECT_TRUE(client_.is_open());
  EXPECT_FALSE(client_read.has_value());
  EXPECT_TRUE(watch_.fired());
}

TEST_F(DeadlineWatchTest, CloseBothClosesBoth) {
  auto& up_read = pending_read(upstream_);
  auto& client_read = pending_read(client_);
  start_watch();
  watch_.arm_after(30ms, Action::close_both);
  while (!(up_read && client_read) && ioc_.run_one_for(kLimit) != 0) {
  }
  ASSERT_TRUE(up_read.has_value());
  ASSERT_TRUE(client_read.has_value());
  EXPECT_FALSE(upstream_.is_open());
  EXPECT_FALSE(client_.is_open());
  EXPECT_TRUE(watch_.fired());
}

TEST_F(DeadlineWatchTest, ArmingAgainClearsFired) {
  auto& read = pending_read(client_);
  start_watch();
  watch_.arm_after(20ms, Action::cancel_client);
  while (!read && ioc_.run_one_for(kLimit) != 0) {
  }
  ASSERT_TRUE(watch_.fired());
  // The next phase of the connection gets a fresh deadline.
  watch_.arm_after(kLimit * 10, Action::cancel_client);
  EXPECT_FALSE(watch_.fired());
  // And the watch keeps working for that phase.
  auto& second = pending_read(client_);
  watch_.arm_after(20ms, Action::cancel_client);
  while (!second && ioc_.run_one_for(kLimit) != 0) {
  }
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(*second, asio::error::operation_aborted);
  EXPECT_TRUE(watch_.fired());
}

}  // namespace
