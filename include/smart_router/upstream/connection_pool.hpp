// Per-worker idle upstream connections, keyed by endpoint. Not thread-safe: each worker owns
// one, so the hot path takes no lock. A pooled socket is checked for EOF before reuse.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "smart_router/common/deadline_watch.hpp"
#include "smart_router/common/stream.hpp"
#include "smart_router/upstream/endpoint.hpp"

namespace smart_router::upstream {

struct UpstreamConnection {
  // Room for a whole answer head (and a small body with it) in one read; an idle connection
  // keeps this much and no more.
  static constexpr std::size_t kHeadBufferBytes = 4096;

  explicit UpstreamConnection(const boost::asio::any_io_executor& ex) : stream(ex) {
    buffer.reserve(kHeadBufferBytes);
  }

  Stream stream;  // plain TCP, or TLS when the pool says tls.enabled
  boost::beast::flat_buffer buffer;
  std::shared_ptr<Endpoint> endpoint;  // keeps the key of the pool alive while pooled
  std::int64_t idle_since_ms = 0;
  std::uint64_t requests = 0;  // requests served on this connection
};

class ConnectionPool {
 public:
  // An idle connection to `ep` that is still open, or nullptr. Connections idle for at least
  // `probe_after_ms` are first checked for EOF (0 = always check).
  std::unique_ptr<UpstreamConnection> take(const Endpoint& ep, std::int64_t now_ms,
                                           std::int64_t probe_after_ms = 0);

  // Keeps `conn` for reuse unless `max_idle` connections to its endpoint are already idle.
  void put(std::unique_ptr<UpstreamConnection> conn, std::uint32_t max_idle, std::int64_t now_ms);

  std::size_t idle_count() const;

  // Closes the idle connections that could never be used: idle past kMaxIdleMs, or no longer
  // open (the upstream closed it, reset it or sent bytes nobody asked for). take() skips them
  // too, but only when a request to the same endpoint reaches them; without a sweep they hold
  // their descriptors (CLOSE_WAIT once the upstream closed) for as long as no request comes.
  // Returns how many were closed.
  std::size_t close_unusable(std::int64_t now_ms);

  // Drops every idle connection (drain, shutdown).
  void clear() { idle_.clear(); }

  // Idle connections older than this are closed rather than reused: many servers close their
  // side after 60 s or less, and a request sent on a half-closed socket would fail.
  static constexpr std::int64_t kMaxIdleMs = 30000;

 private:
  std::unordered_map<const Endpoint*, std::vector<std::unique_ptr<UpstreamConnection>>> idle_;
};

}  // namespace smart_router::upstream
