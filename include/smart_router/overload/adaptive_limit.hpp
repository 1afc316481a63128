// Adaptive concurrency limit of a pool, from its observed latency, as Envoy's adaptive
// concurrency filter does it (gradient against a measured no-queue latency):
// - The no-queue latency (min_rtt) is measured in a probe: the limit drops to min_limit until
//   enough answers of requests sent at that concurrency have come back; their mean is min_rtt.
//   A probe runs at the start, every probe_interval, and when the latency has stayed far above
//   min_rtt for several windows although the limit was cut (the upstream's own service time
//   grew: a brownout), so the baseline is re-learned instead of cutting on to the floor.
// - Between probes, each window's mean latency gives gradient = target / mean, clamped to
//   [0.5, 2]; the limit becomes limit * gradient (+ its square root while the latency holds,
//   only when the window came near its limit). target = tolerance * min_rtt, but the queueing
//   it allows, (tolerance - 1) * min_rtt, is that of the healthy baseline (the lowest min_rtt
//   of the last minute): when a brownout quadruples the service time, the upstream may queue
//   as long as it did when healthy, not four times that (premium would wait in it).
// So when an upstream slows down, the router sends it less and queues or sheds itself (premium
// first), instead of filling the upstream's own queue, where premium would wait behind LITE.
//
// Samples come from every worker: the window's sum and count are atomics; whoever sees the
// window over closes it (a try-lock, never a wait).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

namespace smart_router::overload {

struct AdaptiveSettings {
  std::int64_t min_limit = 8;
  std::int64_t max_limit = 1024;
  double tolerance = 1.5;            // latency may reach this many times min_rtt
  std::int64_t window_ms = 25;       // a window closes after this long...
  std::int64_t window_samples = 16;  // ...and this many samples (or after 10 windows' time)
  std::int64_t probe_samples = 16;   // answers a probe averages
  std::int64_t probe_interval_ms = 30000;
  int slow_windows_to_probe = 3;  // windows far above min_rtt, after a cut, that re-probe
};

class AdaptiveLimit {
 public:
  using Clock = std::chrono::steady_clock;
  AdaptiveLimit(AdaptiveSettings s, std::int64_t initial, Clock::time_point now);

  std::int64_t limit() const { return limit_.load(std::memory_order_relaxed); }
  // One answered attempt's latency (request sent -> answer head), with the pool's in-flight
  // count now.
  void record(std::chrono::microseconds rtt, std::int64_t in_flight, Clock::time_point now);
  double min_rtt_us() const { return min_rtt_seen_.load(std::memory_order_relaxed); }
  bool probing() const { return probe_sample_wanted_.load(std::memory_order_relaxed); }

 private:
  void close_window(Clock::time_point now, std::int64_t n, std::int64_t sum, std::int64_t peak);
  void start_probe(Clock::time_point now);
  void set_limit(double v);

  AdaptiveSettings s_;
  std::atomic<std::int64_t> limit_;
  std::atomic<std::int64_t> sum_us_{0};
  std::atomic<std::int64_t> samples_{0};
  std::atomic<std::int64_t> max_in_flight_{0};
  std::atomic<Clock::rep> window_start_;
  std::atomic<double> min_rtt_seen_{0};
  std::atomic<bool> probe_sample_wanted_{false};  // a probe is collecting samples
  std::atomic<Clock::rep> probe_any_after_{0};    // then answers at any in-flight count count

  // Under close_mutex_:
  std::mutex close_mutex_;
  double estimate_ = 0;    // the limit, fractional
  double resume_at_ = 0;   // the limit to go back to after a probe
  double min_rtt_us_ = 0;  // 0: not measured yet
  bool probing_ = false;
  double probe_sum_ = 0;
  std::int64_t probe_n_ = 0;
  Clock::time_point next_probe_;
  int slow_windows_ = 0;
  double before_slow_ = 0;   // the limit when the current run of slow windows began
  double floor_rtt_us_ = 0;  // the lowest min_rtt within kFloorMemory (the healthy baseline)
  Clock::time_point floor_at_;
  void note_min_rtt(Clock::time_point now);
};

}  // namespace smart_router::overload
