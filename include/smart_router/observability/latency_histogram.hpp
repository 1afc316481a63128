// A latency histogram a worker observes with two relaxed atomic adds and no lock
// (prometheus-cpp's Histogram takes a mutex per observation: ~180 instructions of a request's
// metrics, the largest part). Read at scrape time into a Prometheus histogram.
#pragma once

#include <prometheus/client_metric.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace smart_router::observability {

class LatencyHistogram {
 public:
  // Upper bounds in seconds, ascending; the +Inf bucket is added.
  explicit LatencyHistogram(std::vector<double> upper_bounds);

  void observe(double seconds);

  // Cumulative buckets, count and sum, as Prometheus exposes a histogram. Each bucket is read
  // once, so the count is the +Inf bucket even while workers observe.
  prometheus::ClientMetric::Histogram collect() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // per bucket, not cumulative; +Inf last
  std::atomic<std::uint64_t> sum_ns_{0};
};

}  // namespace smart_router::observability
