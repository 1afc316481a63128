// Active health checks: one probe loop per endpoint of every pool, on the control thread.
// Restarted on reload with the new pools; endpoint state survives because Endpoint objects do.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <vector>

#include "smart_router/observability/metrics.hpp"
#include "smart_router/upstream/upstream_pool.hpp"

namespace smart_router::health {

class ActiveChecker {
 public:
  ActiveChecker(boost::asio::io_context& ioc, observability::Metrics& metrics);
  ~ActiveChecker();

  // Stops the probes of the previous pools and starts probing `pools`.
  void watch(const std::vector<std::shared_ptr<upstream::UpstreamPool>>& pools);
  void stop();

 private:
  boost::asio::io_context& ioc_;
  observability::Metrics& metrics_;
  std::shared_ptr<bool> running_;  // the current generation of probe loops runs while true
};
}  // namespace smart_router::health
