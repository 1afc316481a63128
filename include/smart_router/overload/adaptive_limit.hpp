// Adaptive concurrency limit of a pool, from its observed latency, as Envoy's adaptive
// concurrency filter does it (gradient against a measured no-queue latency), with three
// additions for an upstream whose own service time changes (a brownout):
// - The no-queue latency (min_rtt) is measured in a probe: the limit drops to min_limit until
//   enough answers of requests sent at that concurrency have come back; their mean is min_rtt.
//   A probe runs at the start and every probe_interval.
// - Each window's mean latency gives gradient = target / mean, clamped to [0.5, 2]; the limit
//   becomes limit * gradient (+ at most its square root while the latency holds, only when the
//   window came near its limit). target = min_rtt + the queueing of the healthy baseline,
//   (tolerance - 1) x the lowest min_rtt of the last minute: when a brownout quadruples the
//   service time, the upstream may queue as long as it did when healthy, not four times that
//   (premium would wait in it).
// - A window judges only answers to requests sent after the limit last changed: the others
//   show the old limit (at an 80 ms round trip, growing every 25 ms on answers that still showed
//   the old limit overshot the knee by half before the first queueing showed). So the limit
//   changes at most about once a round trip, on evidence of its own.
// - A window far above min_rtt (2 x tolerance) cuts, and the next judged window says why: if
//   the cut did not bring the latency down, nothing was queueing: the service itself is slower.
//   Its latency becomes min_rtt and the limit goes back to the concurrency the far window's
//   requests were sent at (scaled to the target), without a probe at min_limit.
// - The brake, a leading sign: by Little's law the requests awaiting an answer over the rate
//   they are sent at is the latency they are getting, before any of them has answered. When
//   it passes tolerance x min_rtt, the limit stops at the pool's in-flight count at once, so
//   that a slowed upstream does not fill its own queue (where premium would wait behind LITE)
//   during the round trip before the first slow answer arrives.
// So when an upstream slows down, the router sends it less and queues or sheds itself (premium
// first), instead of filling the upstream's own queue.
//
// Samples come from every worker: the window's sum and count are atomics; whoever sees the
// window over closes it (a try-lock, never a wait).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace smart_router::overload {

struct AdaptiveSettings {
  std::int64_t min_limit = 8;
  std::int64_t max_limit = 1024;
  double tolerance = 1.5;            // latency may reach this many times min_rtt
  std::int64_t window_ms = 25;       // a window closes after this long...
  std::int64_t window_samples = 16;  // ...and this many samples (or after 10 windows' time)
  std::int64_t probe_samples = 16;   // answers a probe averages
  std::int64_t probe_interval_ms = 30000;
};

class AdaptiveLimit;

// A try awaiting its answer head, from when its request goes out until the head arrives or
// the try ends however it ends: what the brake counts.
class AwaitedAnswer {
 public:
  AwaitedAnswer() = default;
  AwaitedAnswer(AdaptiveLimit* limit, std::int64_t in_flight)
      : limit_(limit), in_flight_(in_flight) {}
  AwaitedAnswer(AwaitedAnswer&& o) noexcept : limit_(o.limit_), in_flight_(o.in_flight_) {
    o.limit_ = nullptr;
  }
  AwaitedAnswer& operator=(AwaitedAnswer&&) = delete;
  AwaitedAnswer(const AwaitedAnswer&) = delete;
  AwaitedAnswer& operator=(const AwaitedAnswer&) = delete;
  ~AwaitedAnswer() { end(); }
  void end();
  // The pool's in-flight count when the request went out (0 without an adaptive limit).
  std::int64_t in_flight_at_send() const { return in_flight_; }

 private:
  AdaptiveLimit* limit_ = nullptr;
  std::int64_t in_flight_ = 0;
};

class AdaptiveLimit {
 public:
  using Clock = std::chrono::steady_clock;
  // `pool` names it in the log lines of a brake and of a slowed service.
  AdaptiveLimit(AdaptiveSettings s, std::int64_t initial, Clock::time_point now,
                std::string pool = {});

  std::int64_t limit() const { return limit_.load(std::memory_order_relaxed); }
  // A try's request goes out now, with `in_flight` requests holding the pool's slots.
  AwaitedAnswer sending(Clock::time_point now, std::int64_t in_flight);
  // One answered attempt's latency (request sent -> answer head), with the pool's in-flight
  // count when it was sent.
  void record(std::chrono::microseconds rtt, std::int64_t sent_in_flight, Clock::time_point now);
  double min_rtt_us() const { return min_rtt_seen_.load(std::memory_order_relaxed); }
  bool probing() const { return probe_sample_wanted_.load(std::memory_order_relaxed); }

 private:
  friend class AwaitedAnswer;
  void answer_ended() { ended_.fetch_add(1, std::memory_order_relaxed); }
  void check_brake(Clock::time_point now, std::int64_t in_flight);
  void close_window(Clock::time_point now, std::int64_t n, std::int64_t sum, std::int64_t peak);
  // The window after a cut far above min_rtt: true when it shows the service slowed down
  // (and the limit was set for that).
  bool slowed_service(Clock::time_point now, double mean);
  // The gradient's step from one judged window (`peak`: the most in flight at its sends).
  void follow_gradient(Clock::time_point now, double mean, std::int64_t peak);
  void start_probe(Clock::time_point now);
  void set_limit(double v, Clock::time_point now);
  // From `now` on a new limit is judged: older answers are stale, the window starts over.
  void judge_from(Clock::time_point now);
  double allowed_queueing() const;  // (tolerance - 1) x the healthy baseline, in us
  void note_min_rtt(Clock::time_point now);

  AdaptiveSettings s_;
  std::string pool_;
  std::atomic<std::int64_t> limit_;
  std::atomic<std::int64_t> sum_us_{0};
  std::atomic<std::int64_t> samples_{0};
  std::atomic<std::int64_t> max_in_flight_{0};  // at send, of the window's samples
  std::atomic<Clock::rep> window_start_;
  // Answers to requests sent before this are not judged (they show an older limit).
  std::atomic<Clock::rep> changed_at_;
  std::atomic<double> min_rtt_seen_{0};
  std::atomic<bool> probe_sample_wanted_{false};  // a probe is collecting samples
  std::atomic<Clock::rep> probe_any_after_{0};    // then answers at any in-flight count count
  // Tries sent, and those whose answer head came or that ended: the difference is awaiting.
  std::atomic<std::int64_t> sends_{0};
  std::atomic<std::int64_t> ended_{0};

  // Under close_mutex_:
  std::mutex close_mutex_;
  double estimate_ = 0;    // the limit, fractional
  double resume_at_ = 0;   // the limit to go back to after a probe
  double min_rtt_us_ = 0;  // 0: not measured yet
  bool probing_ = false;
  double probe_sum_ = 0;
  std::int64_t probe_n_ = 0;
  Clock::time_point next_probe_;
  double floor_rtt_us_ = 0;  // the lowest min_rtt within kFloorMemory (the healthy baseline)
  Clock::time_point floor_at_;
  // The last cut far above min_rtt, until the next judged window: the concurrency its window's
  // requests were sent at, and their mean latency (0: none pending).
  double far_cut_from_ = 0;
  double far_cut_mean_us_ = 0;
  // The brake's send rate: sends per microsecond, smoothed, measured every kBrakeEvery sends.
  double send_rate_per_us_ = 0;
  Clock::time_point rate_since_;
  Clock::time_point brake_logged_;  // a brake's log line at most once a second
};

}  // namespace smart_router::overload
