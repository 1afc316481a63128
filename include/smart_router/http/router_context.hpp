// State shared by every worker for the life of the process, and the per-worker resources that
// need no lock because only one thread touches them.
#pragma once

#include <atomic>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <vector>

#include "smart_router/common/published.hpp"
#include "smart_router/http/router_snapshot.hpp"
#include "smart_router/observability/access_log.hpp"
#include "smart_router/observability/metrics.hpp"
#include "smart_router/overload/admission.hpp"
#include "smart_router/overload/pool_admission.hpp"
#include "smart_router/ratelimit/rate_limit_state.hpp"
#include "smart_router/upstream/connection_pool.hpp"

namespace smart_router::http {

struct RouterContext {
  SnapshotStore snapshots;
  overload::Admission admission;                    // router-wide max_in_flight
  overload::PoolAdmissionRegistry pool_admissions;  // per pool limit and queue
  ratelimit::RateLimitState rate_limits;            // buckets kept across reloads
  tier::JwksStores jwks;                            // JWKS keys by URL, kept across reloads
  observability::Metrics metrics;
  std::atomic<std::shared_ptr<observability::AccessLog>> access_log;
  // The TLS listener's context (server.tls; null = plain HTTP). Replaced when the config or the
  // certificate files change (server/certificate_watcher.hpp), apart from the config snapshot:
  // a new certificate must not drop the workers' caches.
  Published<boost::asio::ssl::context> server_tls;
  std::atomic<bool> draining{false};
  std::atomic<std::int64_t> connections{0};
};

// Relay buffers recycled within a worker, so a small request allocates none.
class BufferPool {
 public:
  static constexpr std::size_t kSize = std::size_t{32} * 1024;
  std::unique_ptr<char[]> take() {
    if (free_.empty()) return std::make_unique<char[]>(kSize);
    auto b = std::move(free_.back());
    free_.pop_back();
    return b;
  }
  void give(std::unique_ptr<char[]> b) {
    if (b && free_.size() < 256) free_.push_back(std::move(b));
  }

 private:
  std::vector<std::unique_ptr<char[]>> free_;
};

// One per worker thread.
struct WorkerResources {
  explicit WorkerResources(RouterContext& c) : ctx(c) {}

  RouterContext& ctx;
  upstream::ConnectionPool connections;
  observability::RequestCounterCache request_counters;
  BufferPool buffers;

  // Picks up a newly published snapshot, if the store's generation moved (one relaxed load
  // when it did not). A new snapshot starts the worker's caches afresh: the request counters
  // and the idle upstream connections (those to endpoints a reload removed would never be
  // taken again; a reload is rare enough to drop them all). Call it where a request or a
  // connection starts, never in the middle of one.
  const std::shared_ptr<const RouterSnapshot>& refresh_snapshot() {
    const auto gen = ctx.snapshots.generation();
    if (gen != generation_) {
      snapshot_ = ctx.snapshots.load();
      generation_ = gen;
      request_counters.clear();
      connections.clear();
    }
    return snapshot_;
  }

  // The TLS context for a new connection (one acquire load when it did not change).
  const std::shared_ptr<boost::asio::ssl::context>& server_tls() {
    return server_tls_.get(ctx.server_tls);
  }

  // The snapshot of the last refresh.
  const std::shared_ptr<const RouterSnapshot>& snapshot() const { return snapshot_; }

 private:
  std::shared_ptr<const RouterSnapshot> snapshot_;
  std::uint64_t generation_ = 0;
  PublishedCache<boost::asio::ssl::context> server_tls_;
};

}  // namespace smart_router::http
