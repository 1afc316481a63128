#include "smart_router/upstream/connection_pool.hpp"

#include <gtest/gtest.h>
#include <poll.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <vector>

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using smart_router::upstream::ConnectionPool;
using smart_router::upstream::Endpoint;
using smart_router::upstream::UpstreamConnection;

constexpr std::int64_t kT0 = 1'000'000;

// Real loopback connections: the pooled side (ours) and the upstream's side (peer).
class ConnectionPoolTest : public ::testing::Test {
 protected:
  ConnectionPoolTest() : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}

  // A connected socket to `ep`, its peer kept in `peers_` (or returned through `peer`).
  std::unique_ptr<UpstreamConnection> connect(const std::shared_ptr<Endpoint>& ep,
                                              tcp::socket** peer = nullptr) {
    auto conn = std::make_unique<UpstreamConnection>(ioc_.get_executor());
    conn->stream.socket().connect(acceptor_.local_endpoint());
    peers_.push_back(std::make_unique<tcp::socket>(acceptor_.accept()));
    conn->endpoint = ep;
    if (peer != nullptr) *peer = peers_.back().get();
    return conn;
  }

  // Waits (bounded) until the pooled socket has something to read: EOF, a reset or bytes.
  static void wait_readable(tcp::socket& s) {
    pollfd p{s.native_handle(), POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 5000), 1) << "nothing arrived within 5 s";
  }
  static void wait_readable(UpstreamConnection& conn) { wait_readable(conn.stream.socket()); }

  // Pools two connections to a_ at kT0: a live one (returned) and, on top, one whose peer has
  // closed (its EOF already readable).
  UpstreamConnection* put_live_then_dead(ConnectionPool& pool) {
    auto live = connect(a_);
    UpstreamConnection* live_raw = live.get();
    pool.put(std::move(live), 4, kT0);
    tcp::socket* peer = nullptr;
    auto dead = connect(a_, &peer);
    UpstreamConnection& dead_ref = *dead;
    pool.put(std::move(dead), 4, kT0);
    peer->close();
    wait_readable(dead_ref);
    return live_raw;
  }

  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::vector<std::unique_ptr<tcp::socket>> peers_;
  std::shared_ptr<Endpoint> a_ = std::make_shared<Endpoint>("shared", "127.0.0.1:9001");
  std::shared_ptr<Endpoint> b_ = std::make_shared<Endpoint>("shared", "127.0.0.1:9002");
};

TEST_F(ConnectionPoolTest, EmptyPoolGivesNothing) {
  ConnectionPool pool;
  EXPECT_EQ(pool.take(*a_, kT0), nullptr);
  EXPECT_EQ(pool.idle_count(), 0u);
}

TEST_F(ConnectionPoolTest, PutThenTakeReturnsTheSameConnection) {
  ConnectionPool pool;
  auto conn = connect(a_);
  UpstreamConnection* raw = conn.get();
  pool.put(std::move(conn), 4, kT0);
  EXPECT_EQ(pool.idle_count(), 1u);
  auto back = pool.take(*a_, kT0 + 10);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back.get(), raw);
  EXPECT_TRUE(back->stream.socket().is_open());
  EXPECT_EQ(pool.idle_count(), 0u);
  EXPECT_EQ(pool.take(*a_, kT0 + 10), nullptr);
}

TEST_F(ConnectionPoolTest, KeyedByEndpoint) {
  ConnectionPool pool;
  auto conn = connect(a_);
  UpstreamConnection* raw = conn.get();
  pool.put(std::move(conn), 4, kT0);
  EXPECT_EQ(pool.take(*b_, kT0), nullptr);
  EXPECT_EQ(pool.idle_count(), 1u);  // asking for b leaves a's connection alone
  // Same address in another pool is another endpoint.
  const Endpoint same_address_other_pool("premium", "127.0.0.1:9001");
  EXPECT_EQ(pool.take(same_address_other_pool, kT0), nullptr);
  auto back = pool.take(*a_, kT0);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back.get(), raw);
}

TEST_F(ConnectionPoolTest, MaxIdleIsPerEndpoint) {
  ConnectionPool pool;
  for (int i = 0; i < 3; ++i) pool.put(connect(a_), 2, kT0);
  EXPECT_EQ(pool.idle_count(), 2u);
  for (int i = 0; i < 3; ++i) pool.put(connect(b_), 2, kT0);
  EXPECT_EQ(pool.idle_count(), 4u);
  int taken = 0;
  while (pool.take(*a_, kT0) != nullptr) ++taken;
  EXPECT_EQ(taken, 2);
}

TEST_F(ConnectionPoolTest, MaxIdleZeroKeepsNothing) {
  ConnectionPool pool;
  pool.put(connect(a_), 0, kT0);
  EXPECT_EQ(pool.idle_count(), 0u);
  EXPECT_EQ(pool.take(*a_, kT0), nullptr);
}

TEST_F(ConnectionPoolTest, RefusedConnectionIsClosed) {
  // A connection the pool does not keep must not leak: the upstream sees it close.
  ConnectionPool pool;
  pool.put(connect(a_), 1, kT0);
  tcp::socket* peer = nullptr;
  pool.put(connect(a_, &peer), 1, kT0);
  wait_readable(*peer);
  char byte;
  boost::system::error_code ec;
  peer->read_some(asio::buffer(&byte, 1), ec);
  EXPECT_EQ(ec, asio::error::eof);
}

TEST_F(ConnectionPoolTest, PeerClosedSocketIsNotReturned) {
  ConnectionPool pool;
  tcp::socket* peer = nullptr;
  auto conn = connect(a_, &peer);
  UpstreamConnection& pooled = *conn;
  pool.put(std::move(conn), 4, kT0);
  peer->close();
  wait_readable(pooled);
  EXPECT_EQ(pool.take(*a_, kT0 + 1), nullptr);
  EXPECT_EQ(pool.idle_count(), 0u);  // and it is gone, not kept for later
}

TEST_F(ConnectionPoolTest, PeerResetSocketIsNotReturned) {
  ConnectionPool pool;
  tcp::socket* peer = nullptr;
  auto conn = connect(a_, &peer);
  UpstreamConnection& pooled = *conn;
  pool.put(std::move(conn), 4, kT0);
  peer->set_option(asio::socket_base::linger(true, 0));  // close sends RST
  peer->close();
  wait_readable(pooled);
  EXPECT_EQ(pool.take(*a_, kT0 + 1), nullptr);
}

TEST_F(ConnectionPoolTest, SocketWithUnexpectedBytesIsNotReturned) {
  // Bytes on an idle connection are no answer to anything we sent: reusing it would read them
  // as the next response.
  ConnectionPool pool;
  tcp::socket* peer = nullptr;
  auto conn = connect(a_, &peer);
  UpstreamConnection& pooled = *conn;
  pool.put(std::move(conn), 4, kT0);
  asio::write(*peer, asio::buffer("HTTP/1.1 408 Request Timeout\r\n\r\n", 32));
  wait_readable(pooled);
  EXPECT_EQ(pool.take(*a_, kT0 + 1), nullptr);
}

TEST_F(ConnectionPoolTest, DeadConnectionIsSkippedForALiveOne) {
  ConnectionPool pool;
  UpstreamConnection* live_raw = put_live_then_dead(pool);
  auto got = pool.take(*a_, kT0 + 1);
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got.get(), live_raw);
}

TEST_F(ConnectionPoolTest, IdleOlderThanMaxIdleIsDropped) {
  ConnectionPool pool;
  pool.put(connect(a_), 4, kT0);
  EXPECT_EQ(pool.take(*a_, kT0 + ConnectionPool::kMaxIdleMs + 1), nullptr);
  EXPECT_EQ(pool.idle_count(), 0u);
}

TEST_F(ConnectionPoolTest, IdleYoungerThanMaxIdleIsKept) {
  ConnectionPool pool;
  pool.put(connect(a_), 4, kT0);
  EXPECT_NE(pool.take(*a_, kT0 + ConnectionPool::kMaxIdleMs - 1), nullptr);
}

TEST_F(ConnectionPoolTest, IdleTimeCountsFromTheLastPut) {
  ConnectionPool pool;
  pool.put(connect(a_), 4, kT0);
  auto conn = pool.take(*a_, kT0 + 20000);
  ASSERT_NE(conn, nullptr);
  pool.put(std::move(conn), 4, kT0 + 20000);  // served another request, idle again
  EXPECT_NE(pool.take(*a_, kT0 + 20000 + ConnectionPool::kMaxIdleMs - 1), nullptr);
}

TEST_F(ConnectionPoolTest, LeftoverBufferedBytesAreDiscarded) {
  // The next response must not start with bytes left over from the previous exchange.
  ConnectionPool pool;
  auto conn = connect(a_);
  const std::string leftover = "stale";
  auto dst = conn->buffer.prepare(leftover.size());
  asio::buffer_copy(dst, asio::buffer(leftover));
  conn->buffer.commit(leftover.size());
  pool.put(std::move(conn), 4, kT0);
  auto back = pool.take(*a_, kT0);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->buffer.size(), 0u);
}

TEST_F(ConnectionPoolTest, CloseUnusableClosesWhatThePeerClosedAndKeepsTheRest) {
  // No request comes: the sweep alone must let go of the socket the upstream closed.
  ConnectionPool pool;
  UpstreamConnection* live_raw = put_live_then_dead(pool);
  pool.put(connect(b_), 4, kT0);
  EXPECT_EQ(pool.close_unusable(kT0 + 1), 1u);
  EXPECT_EQ(pool.idle_count(), 2u);
  auto got = pool.take(*a_, kT0 + 1);
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got.get(), live_raw);
  EXPECT_NE(pool.take(*b_, kT0 + 1), nullptr);
}

TEST_F(ConnectionPoolTest, CloseUnusableClosesIdlePastMaxIdleAndTheUpstreamSeesIt) {
  ConnectionPool pool;
  tcp::socket* old_peer = nullptr;
  pool.put(connect(a_, &old_peer), 4, kT0);
  pool.put(connect(b_), 4, kT0 + 10);
  EXPECT_EQ(pool.close_unusable(kT0 + ConnectionPool::kMaxIdleMs), 0u);  // not past it yet
  EXPECT_EQ(pool.close_unusable(kT0 + ConnectionPool::kMaxIdleMs + 1), 1u);
  EXPECT_EQ(pool.idle_count(), 1u);
  EXPECT_EQ(pool.take(*a_, kT0 + ConnectionPool::kMaxIdleMs + 1), nullptr);
  wait_readable(*old_peer);
  char byte;
  boost::system::error_code ec;
  old_peer->read_some(asio::buffer(&byte, 1), ec);
  EXPECT_EQ(ec, asio::error::eof);  // closed, not only forgotten
}

TEST_F(ConnectionPoolTest, ClearDropsEverything) {
  ConnectionPool pool;
  pool.put(connect(a_), 4, kT0);
  pool.put(connect(b_), 4, kT0);
  pool.clear();
  EXPECT_EQ(pool.idle_count(), 0u);
  EXPECT_EQ(pool.take(*a_, kT0), nullptr);
  EXPECT_EQ(pool.take(*b_, kT0), nullptr);
}

}  // namespace
