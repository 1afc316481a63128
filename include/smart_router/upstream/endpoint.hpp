// One upstream address of a pool, shared by every worker. Its health state (active checks and
// passive ejection) and its in-flight count are atomics so workers read them without locks.
// Endpoint objects outlive config reloads (see EndpointRegistry), so health is not reset.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace smart_router::upstream {

enum class ActiveHealth : std::uint8_t { unknown, healthy, unhealthy };

// What went wrong on an attempt, as evidence against the endpoint for passive outlier detection.
// A request that ran out of its own deadline is not listed: the router's deadline says nothing
// about the endpoint compared with its peers (an overloaded pool is slow everywhere).
enum class EndpointFailure : std::uint8_t { connect_failure, reset, http_5xx, bad_response };
const char* failure_name(EndpointFailure f);

class Endpoint {
 public:
  Endpoint(std::string pool, std::string address);

  const std::string& pool() const { return pool_; }
  const std::string& address() const { return address_; }  // "host:port" as configured
  const std::string& host() const { return host_; }
  const std::string& port() const { return port_; }

  // Usable for new requests: not failed by active checks and not ejected right now.
  bool routable(std::int64_t now_ms) const {
    return active_.load(std::memory_order_relaxed) != ActiveHealth::unhealthy &&
           ejected_until_ms_.load(std::memory_order_relaxed) <= now_ms;
  }
  ActiveHealth active_health() const { return active_.load(std::memory_order_relaxed); }
  void set_active_health(ActiveHealth h) { active_.store(h, std::memory_order_relaxed); }

  bool ejected(std::int64_t now_ms) const {
    return ejected_until_ms_.load(std::memory_order_relaxed) > now_ms;
  }
  void eject_until(std::int64_t until_ms) {
    ejected_until_ms_.store(until_ms, std::memory_order_relaxed);
  }
  // Passive outlier bookkeeping: returns the new count of consecutive failures.
  std::uint32_t note_failure(EndpointFailure why) {
    last_failure_.store(why, std::memory_order_relaxed);
    return consecutive_failures_.fetch_add(1, std::memory_order_relaxed) + 1;
  }
  void note_success() { consecutive_failures_.store(0, std::memory_order_relaxed); }
  std::uint32_t consecutive_failures() const {
    return consecutive_failures_.load(std::memory_order_relaxed);
  }
  EndpointFailure last_failure() const { return last_failure_.load(std::memory_order_relaxed); }

  // Ejection log bookkeeping: an ejection is announced once when it starts and once when it
  // ends (the end is found by a sweep, since an ejection ends by time, not by an event).
  std::uint32_t note_ejected() {
    ejection_open_.store(true, std::memory_order_relaxed);
    return ejections_.fetch_add(1, std::memory_order_relaxed) + 1;
  }
  std::uint32_t ejections() const { return ejections_.load(std::memory_order_relaxed); }
  // True once for each ejection that has ended since it was announced.
  bool take_ended_ejection(std::int64_t now_ms) {
    if (!ejection_open_.load(std::memory_order_relaxed) || ejected(now_ms)) return false;
    return ejection_open_.exchange(false, std::memory_order_relaxed);
  }
  // Rate-limits the "not ejected" warning to one per `every_ms`.
  bool may_warn_kept(std::int64_t now_ms, std::int64_t every_ms) {
    auto next = kept_warned_until_ms_.load(std::memory_order_relaxed);
    return now_ms >= next && kept_warned_until_ms_.compare_exchange_strong(
                                 next, now_ms + every_ms, std::memory_order_relaxed);
  }

  // Requests in flight to this endpoint, from every worker (least_request reads it).
  std::atomic<std::int32_t> active_requests{0};

  // Resolved addresses (null before the first resolution); refreshed by the DNS refresher,
  // read without a lock on each new connection.
  using Addresses = std::vector<boost::asio::ip::tcp::endpoint>;
  std::shared_ptr<const Addresses> resolved() const { return resolved_.load(); }
  void set_resolved(Addresses addrs) {
    resolved_.store(std::make_shared<const Addresses>(std::move(addrs)));
  }

 private:
  std::string pool_;
  std::string address_;
  std::string host_;
  std::string port_;
  std::atomic<ActiveHealth> active_{ActiveHealth::unknown};
  std::atomic<std::int64_t> ejected_until_ms_{0};
  std::atomic<std::uint32_t> consecutive_failures_{0};
  std::atomic<EndpointFailure> last_failure_{EndpointFailure::connect_failure};
  std::atomic<std::uint32_t> ejections_{0};
  std::atomic<bool> ejection_open_{false};
  std::atomic<std::int64_t> kept_warned_until_ms_{0};
  std::atomic<std::shared_ptr<const Addresses>> resolved_;
};

// Milliseconds on the steady clock, the time base of ejections and health.
std::int64_t steady_now_ms();
// A steady_clock reading the caller already has, in the same milliseconds.
inline std::int64_t steady_ms(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// RAII: counts one request in flight on an endpoint (for least_request).
class ActiveRequestGuard {
 public:
  explicit ActiveRequestGuard(Endpoint& ep) : ep_(&ep) {
    ep_->active_requests.fetch_add(1, std::memory_order_relaxed);
  }
  ~ActiveRequestGuard() { ep_->active_requests.fetch_sub(1, std::memory_order_relaxed); }
  ActiveRequestGuard(const ActiveRequestGuard&) = delete;
  ActiveRequestGuard& operator=(const ActiveRequestGuard&) = delete;

 private:
  Endpoint* ep_;
};

}  // namespace smart_router::upstream
