#include "smart_router/common/drained_receive.hpp"

#include <gtest/gtest.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <list>
#include <optional>
#include <string>

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;
using smart_router::async_receive_drained;

// Every wait is bounded by this; a passing test never gets near it.
constexpr auto kLimit = 10s;

struct ReadResult {
  boost::system::error_code ec;
  std::string bytes;
};

// A connected loopback pair: the router's side `reader_` (non-blocking, as the router sets its
// sockets) and a plain blocking `peer_` the test writes with.
class DrainedReceiveTest : public ::testing::Test {
 protected:
  DrainedReceiveTest() {
    tcp::acceptor acceptor(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    peer_.connect(acceptor.local_endpoint());
    reader_ = acceptor.accept();
    reader_.non_blocking(true);
  }

  // Starts one read into a buffer of `size` bytes; the result lands in `out` when it completes.
  void start_read(std::size_t size, bool known_empty, std::optional<ReadResult>& out) {
    asio::co_spawn(
        ioc_,
        [this, size, known_empty, &out]() -> asio::awaitable<void> {
          std::string buffer(size, '\0');
          auto [ec, n] = co_await async_receive_drained(reader_, smart_router::reactor_of(reader_),
                                                        asio::buffer(buffer), known_empty,
                                                        asio::as_tuple(asio::use_awaitable));
          buffer.resize(n);
          out = ReadResult{ec, buffer};
        },
        asio::detached);
  }

  // Runs the loop until the read in `out` has completed (or kLimit passed).
  void run_until(std::optional<ReadResult>& out) {
    const auto until = std::chrono::steady_clock::now() + kLimit;
    ioc_.restart();  // a loop that ran out of work stays stopped until restarted
    while (!out && std::chrono::steady_clock::now() < until) ioc_.run_one_for(100ms);
  }

  // Runs everything ready now, so a started read is queued in the reactor, waiting.
  void settle() {
    ioc_.restart();
    ioc_.poll();
  }

  void send(const std::string& bytes) { asio::write(peer_, asio::buffer(bytes)); }

  // What a connection waiting for its next request goes through: a 64-byte read starts, is
  // still waiting once everything ready has run, then `bytes` are sent; runs until it ends.
  // (The result lives in the fixture: a read that never ends must not outlive it.)
  const std::optional<ReadResult>& read_bytes_sent_later(const std::string& bytes,
                                                         bool known_empty = false) {
    auto& r = results_.emplace_back();
    start_read(64, known_empty, r);
    settle();
    EXPECT_FALSE(r) << "the read ended before anything was sent";
    send(bytes);
    run_until(r);
    return r;
  }

  // A read of the router's socket now, as read_header_now does: proves it is empty.
  bool empty_now() {
    std::array<char, 16> b{};
    boost::system::error_code ec;
    reader_.read_some(asio::buffer(b), ec);
    return ec == asio::error::would_block;
  }

  asio::io_context ioc_;
  std::list<std::optional<ReadResult>> results_;
  tcp::socket peer_{ioc_};
  tcp::socket reader_{ioc_};
};

TEST_F(DrainedReceiveTest, ReadsBytesThatAreAlreadyThere) {
  send("hello");
  std::optional<ReadResult> r;
  start_read(64, false, r);
  run_until(r);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ec);
  EXPECT_EQ(r->bytes, "hello");
}

TEST_F(DrainedReceiveTest, WaitsForBytesThatComeLater) {
  const auto& r = read_bytes_sent_later("later");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ec);
  EXPECT_EQ(r->bytes, "later");
}

// A short read marks the socket drained: the next read must still wake when bytes come.
TEST_F(DrainedReceiveTest, AfterAShortReadTheNextWaitWakesOnNewBytes) {
  const auto& first = read_bytes_sent_later("one");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->bytes, "one");
  const auto& second = read_bytes_sent_later("two");
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->ec);
  EXPECT_EQ(second->bytes, "two");
}

// known_empty skips only the try made as the read starts; the try made when epoll reports the
// bytes must read them, also when the socket was already marked drained.
TEST_F(DrainedReceiveTest, KnownEmptyReadWakesWhenBytesCome) {
  const auto& first = read_bytes_sent_later("a");
  ASSERT_TRUE(first);
  ASSERT_TRUE(empty_now());
  const auto& second = read_bytes_sent_later("b", true);
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->ec);
  EXPECT_EQ(second->bytes, "b");
}

// A read that fills its buffer has not drained the socket: the next one reads the rest at once.
TEST_F(DrainedReceiveTest, AFullBufferLeavesTheRestToReadAtOnce) {
  send("0123456789");
  std::optional<ReadResult> first;
  std::optional<ReadResult> second;
  std::optional<ReadResult> third;
  start_read(4, false, first);
  run_until(first);
  start_read(4, false, second);
  run_until(second);
  start_read(4, false, third);
  run_until(third);
  ASSERT_TRUE(first && second && third);
  EXPECT_EQ(first->bytes + second->bytes + third->bytes, "0123456789");
}

TEST_F(DrainedReceiveTest, ReportsEndOfFile) {
  std::optional<ReadResult> r;
  start_read(64, false, r);
  settle();
  peer_.close();
  run_until(r);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->ec, asio::error::eof);
  EXPECT_TRUE(r->bytes.empty());
}

// The router's deadline watch cancels a waiting read this way.
TEST_F(DrainedReceiveTest, CancelEndsAWaitingRead) {
  std::optional<ReadResult> r;
  start_read(64, true, r);
  settle();
  EXPECT_FALSE(r);
  reader_.cancel();
  run_until(r);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->ec, asio::error::operation_aborted);
}

}  // namespace
