#include "smart_router/upstream/connection_pool.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <iterator>

namespace smart_router::upstream {
namespace {

// An idle keep-alive socket is usable when nothing is waiting on it: no EOF, no reset, and no
// stray bytes (a response we never asked for).
bool still_open(boost::asio::ip::tcp::socket& socket) {
  char byte;
  const auto n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace

std::unique_ptr<UpstreamConnection> ConnectionPool::take(const Endpoint& ep, std::int64_t now_ms,
                                                         std::int64_t probe_after_ms) {
  auto it = idle_.find(&ep);
  if (it == idle_.end()) return nullptr;
  auto& stack = it->second;
  while (!stack.empty()) {
    auto conn = std::move(stack.back());
    stack.pop_back();
    const auto idle_ms = now_ms - conn->idle_since_ms;
    if (idle_ms > kMaxIdleMs) continue;
    if (idle_ms < probe_after_ms || still_open(conn->stream.socket())) return conn;
  }
  return nullptr;
}

void ConnectionPool::put(std::unique_ptr<UpstreamConnection> conn, std::uint32_t max_idle,
                         std::int64_t now_ms) {
  auto& stack = idle_[conn->endpoint.get()];
  if (stack.size() >= max_idle) return;  // conn closes as it goes out of scope
  conn->idle_since_ms = now_ms;
  conn->buffer.clear();
  // A body relayed through it grew the buffer; an idle connection keeps only a small one.
  if (conn->buffer.capacity() > UpstreamConnection::kHeadBufferBytes) {
    conn->buffer = boost::beast::flat_buffer();
    conn->buffer.reserve(UpstreamConnection::kHeadBufferBytes);
  }
  stack.push_back(std::move(conn));
}

std::size_t ConnectionPool::close_unusable(std::int64_t now_ms) {
  std::size_t closed = 0;
  for (auto it = idle_.begin(); it != idle_.end();) {
    closed += std::erase_if(it->second, [now_ms](const std::unique_ptr<UpstreamConnection>& c) {
      return now_ms - c->idle_since_ms > kMaxIdleMs || !still_open(c->stream.socket());
    });
    // An empty stack's key may outlive its endpoint (no connection holds it any more).
    it = it->second.empty() ? idle_.erase(it) : std::next(it);
  }
  return closed;
}

std::size_t ConnectionPool::idle_count() const {
  std::size_t n = 0;
  for (const auto& [ep, stack] : idle_) n += stack.size();
  return n;
}

}  // namespace smart_router::upstream
