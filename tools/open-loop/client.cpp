#include "client.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <utility>

namespace open_loop {

namespace {

namespace http = boost::beast::http;
using namespace net::experimental::awaitable_operators;  // NOLINT(google-build-using-namespace)

constexpr auto kTok = net::as_tuple(net::use_awaitable);
constexpr std::uint64_t kBodyLimit = std::uint64_t{16} * 1024 * 1024;

std::int64_t micros(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

net::awaitable<void> wait_timer(net::steady_timer& timer) {
  [[maybe_unused]] auto [ec] = co_await timer.async_wait(kTok);
}

// A kept-alive connection the server had closed fails before any answer byte: EOF or reset.
bool is_stale(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::connection_reset ||
         ec == net::error::broken_pipe || ec == net::error::eof;
}

}  // namespace

Client::Client(net::io_context& context, tcp::endpoint endpoint, std::string request,
               std::size_t max_conns, std::chrono::milliseconds timeout)
    : context_{context},
      endpoint_{std::move(endpoint)},
      request_{std::move(request)},
      max_conns_{max_conns},
      timeout_{timeout},
      drained_{context} {}

net::awaitable<void> Client::run(std::vector<std::int64_t> offsets_us) {
  outcomes_.resize(offsets_us.size());
  net::steady_timer tick{context_};
  start_ = Clock::now();
  for (std::size_t i = 0; i < offsets_us.size(); ++i) {
    outcomes_[i].sched_us = offsets_us[i];
    const auto due = start_ + std::chrono::microseconds(offsets_us[i]);
    if (Clock::now() < due) {
      tick.expires_at(due);
      [[maybe_unused]] auto [ec] = co_await tick.async_wait(kTok);
    }
    stats_.max_send_lag_us = std::max(stats_.max_send_lag_us, micros(Clock::now() - due));
    dispatch(i);
  }
  if (pending_ > 0) {
    drained_.expires_at(Clock::time_point::max());
    [[maybe_unused]] auto [ec] = co_await drained_.async_wait(kTok);
  }
  for (auto& conn : conns_) disconnect(*conn);
}

void Client::dispatch(std::size_t index) {
  ++pending_;
  Conn* conn = nullptr;
  if (!idle_.empty()) {
    conn = idle_.back();
    idle_.pop_back();
  } else if (conns_.size() < max_conns_) {
    conns_.push_back(std::make_unique<Conn>(context_));
    conn = conns_.back().get();
    stats_.max_connections = conns_.size();
  } else {
    ++stats_.waited_for_conn;
    backlog_.push_back(index);
    return;
  }
  net::co_spawn(context_, serve(conn, index), net::detached);
}

// Serves one request on `conn`, then what waited in the backlog, then parks it as idle.
net::awaitable<void> Client::serve(Conn* conn, std::size_t index) {
  for (;;) {
    const bool reusable = co_await exchange_with_deadline(*conn, index);
    if (!reusable) disconnect(*conn);
    if (backlog_.empty()) break;
    index = backlog_.front();
    backlog_.pop_front();
  }
  idle_.push_back(conn);
}

net::awaitable<bool> Client::exchange_with_deadline(Conn& conn, std::size_t index) {
  const auto deadline = start_ + std::chrono::microseconds(outcomes_[index].sched_us) + timeout_;
  conn.deadline.expires_at(deadline);
  auto answer = exchange(conn);
  auto expiry = wait_timer(conn.deadline);
  const auto first = co_await (std::move(answer) || std::move(expiry));
  if (first.index() == 1) {
    record(index, kTimeout, Clock::now());
    co_return false;
  }
  const Answer& got = std::get<0>(first);
  // A sender that ran late can see an answer after the deadline before the timer fires.
  record(index, got.at > deadline ? kTimeout : got.status, got.at);
  co_return got.status > 0 && got.keep_alive;
}

// One request and its answer; a kept-alive connection found closed is re-sent once on a new one.
net::awaitable<Client::Answer> Client::exchange(Conn& conn) {
  const bool reused = conn.connected;
  Answer answer = co_await send_and_read(conn);
  if (answer.status == kPending && reused) {
    ++stats_.stale_retries;
    disconnect(conn);
    answer = co_await send_and_read(conn);
  }
  if (answer.status <= 0) {
    answer.status = kConnError;
    answer.at = Clock::now();
  }
  co_return answer;
}

// status kPending: the connection broke before any answer byte (maybe a stale keep-alive).
net::awaitable<Client::Answer> Client::send_and_read(Conn& conn) {
  Answer answer;
  if (!conn.connected) {
    auto [ec] = co_await conn.socket.async_connect(endpoint_, kTok);
    if (ec) co_return answer;  // kConnError: nothing to retry on
    boost::system::error_code ignored;
    conn.socket.set_option(tcp::no_delay(true), ignored);
    conn.connected = true;
    ++stats_.connections_opened;
  }
  auto [write_ec, written] = co_await net::async_write(conn.socket, net::buffer(request_), kTok);
  if (write_ec) {
    answer.status = is_stale(write_ec) ? kPending : kConnError;
    co_return answer;
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(kBodyLimit);
  auto [read_ec, read] = co_await http::async_read(conn.socket, conn.buffer, parser, kTok);
  if (read_ec) {
    answer.status = is_stale(read_ec) && !parser.got_some() ? kPending : kConnError;
    co_return answer;
  }
  answer.at = Clock::now();
  answer.status = static_cast<int>(parser.get().result_int());
  answer.keep_alive = parser.get().keep_alive();
  co_return answer;
}

void Client::record(std::size_t index, int status, Clock::time_point at) {
  Outcome& out = outcomes_[index];
  out.status = status;
  out.latency_us = micros(at - (start_ + std::chrono::microseconds(out.sched_us)));
  if (--pending_ == 0) drained_.cancel();
}

void Client::disconnect(Conn& conn) {
  boost::system::error_code ignored;
  conn.socket.close(ignored);
  conn.buffer.clear();
  conn.connected = false;
}

}  // namespace open_loop
