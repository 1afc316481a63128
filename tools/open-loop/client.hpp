// The open-loop sender: every request goes out at its scheduled time on an idle keep-alive
// connection, or on a new one, so a slow answer never delays the next send. Latency counts
// from the scheduled time (no coordinated omission), and so does the per-request timeout.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace open_loop {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// Outcome::status: the HTTP status, or one of these.
inline constexpr int kPending = 0;
inline constexpr int kTimeout = -1;    // no answer within the timeout
inline constexpr int kConnError = -2;  // connect failed, or the connection broke

struct Outcome {
  std::int64_t sched_us = 0;    // scheduled send time, from the start
  std::int64_t latency_us = 0;  // answer (or error) time minus the scheduled send time
  int status = kPending;
};

struct PoolStats {
  std::uint64_t connections_opened = 0;
  std::uint64_t max_connections = 0;  // Conn objects ever needed at once
  std::uint64_t waited_for_conn = 0;  // requests that found the pool exhausted (--max-conns)
  std::uint64_t stale_retries = 0;    // re-sent once: a kept-alive connection had been closed
  std::int64_t max_send_lag_us = 0;   // how late the sender itself ran behind the schedule
};

class Client {
 public:
  Client(net::io_context& context, tcp::endpoint endpoint, std::string request,
         std::size_t max_conns, std::chrono::milliseconds timeout);

  // Sends every request of the schedule and returns when each has an outcome.
  net::awaitable<void> run(std::vector<std::int64_t> offsets_us);

  const std::vector<Outcome>& outcomes() const { return outcomes_; }
  const PoolStats& pool_stats() const { return stats_; }

 private:
  struct Conn {
    explicit Conn(net::io_context& context) : socket{context}, deadline{context} {}
    tcp::socket socket;
    net::steady_timer deadline;
    boost::beast::flat_buffer buffer;
    bool connected = false;
  };
  struct Answer {
    int status = kConnError;
    bool keep_alive = false;
    Clock::time_point at;
  };

  void dispatch(std::size_t index);
  net::awaitable<void> serve(Conn* conn, std::size_t index);
  net::awaitable<bool> exchange_with_deadline(Conn& conn, std::size_t index);
  net::awaitable<Answer> exchange(Conn& conn);
  net::awaitable<Answer> send_and_read(Conn& conn);
  void record(std::size_t index, int status, Clock::time_point at);
  static void disconnect(Conn& conn);

  net::io_context& context_;
  tcp::endpoint endpoint_;
  std::string request_;
  std::size_t max_conns_;
  std::chrono::milliseconds timeout_;
  Clock::time_point start_;
  std::vector<Outcome> outcomes_;
  std::vector<std::unique_ptr<Conn>> conns_;  // every Conn ever made; never more than max_conns_
  std::vector<Conn*> idle_;                   // free for the next request (connected or not)
  std::deque<std::size_t> backlog_;           // due, waiting for a free Conn
  std::size_t pending_ = 0;                   // dispatched, no outcome yet
  net::steady_timer drained_;                 // cancelled when the last outcome is in
  PoolStats stats_;
};

}  // namespace open_loop
