// Re-resolves endpoint host names every dns_refresh_ms (a Kubernetes Service name may move);
// IP literals are set once. Runs on the control thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <vector>

#include "smart_router/upstream/upstream_pool.hpp"

namespace smart_router::upstream {

class DnsRefresher {
 public:
  explicit DnsRefresher(boost::asio::io_context& ioc) : ioc_(ioc) {}
  ~DnsRefresher() { stop(); }
  void watch(const std::vector<std::shared_ptr<UpstreamPool>>& pools);
  void stop() {
    if (running_) *running_ = false;
    running_.reset();
  }

 private:
  boost::asio::io_context& ioc_;
  std::shared_ptr<bool> running_;
};

}  // namespace smart_router::upstream
