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
  std::uint32_t note_failure() {
    return consecutive_failures_.fetch_add(1, std::memory_order_relaxed) + 1;
  }
  void note_success() { consecutive_failures_.store(0, std::memory_order_relaxed); }

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
