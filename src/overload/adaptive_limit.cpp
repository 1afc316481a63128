#include "smart_router/overload/adaptive_limit.hpp"

#include <algorithm>
#include <cmath>

namespace smart_router::overload {

namespace {
// How long a lower min_rtt stays the healthy baseline: longer than a brownout, shorter than a
// lasting change of the service (then two probes later the new latency is the baseline).
constexpr auto kFloorMemory = std::chrono::seconds(60);
}  // namespace

AdaptiveLimit::AdaptiveLimit(AdaptiveSettings s, std::int64_t initial, Clock::time_point now)
    : s_(s),
      limit_(std::clamp(initial, s.min_limit, s.max_limit)),
      window_start_(now.time_since_epoch().count()),
      estimate_(static_cast<double>(limit_.load())) {
  start_probe(now);
}

void AdaptiveLimit::set_limit(double v) {
  estimate_ = std::clamp(v, static_cast<double>(s_.min_limit), static_cast<double>(s_.max_limit));
  limit_.store(static_cast<std::int64_t>(estimate_), std::memory_order_relaxed);
}

void AdaptiveLimit::start_probe(Clock::time_point now) {
  probing_ = true;
  probe_sample_wanted_.store(true, std::memory_order_relaxed);
  probe_sum_ = 0;
  probe_n_ = 0;
  resume_at_ = std::max(estimate_, static_cast<double>(s_.min_limit));
  slow_windows_ = 0;
  next_probe_ = now + std::chrono::milliseconds(s_.probe_interval_ms);
  // Premium classes are not held to the probe's limit while lower ones are in flight (see
  // try_count), so the pool may never get down to it: after a while, every answer counts (the
  // lower classes are held by then; what is in flight is premium's own load).
  const auto settle =
      std::max(std::chrono::microseconds(100'000),
               std::chrono::microseconds(static_cast<std::int64_t>(4 * min_rtt_us_)));
  probe_any_after_.store((now + settle).time_since_epoch().count(), std::memory_order_relaxed);
  limit_.store(s_.min_limit, std::memory_order_relaxed);
}

void AdaptiveLimit::note_min_rtt(Clock::time_point now) {
  min_rtt_seen_.store(min_rtt_us_, std::memory_order_relaxed);
  if (floor_rtt_us_ == 0 || min_rtt_us_ <= floor_rtt_us_ || now - floor_at_ > kFloorMemory) {
    floor_rtt_us_ = min_rtt_us_;
    floor_at_ = now;
  }
}

void AdaptiveLimit::record(std::chrono::microseconds rtt, std::int64_t in_flight,
                           Clock::time_point now) {
  if (probe_sample_wanted_.load(std::memory_order_relaxed) &&
      (in_flight <= s_.min_limit ||
       now.time_since_epoch().count() >= probe_any_after_.load(std::memory_order_relaxed))) {
    std::lock_guard lock(close_mutex_);
    if (probing_) {
      probe_sum_ += static_cast<double>(rtt.count());
      if (++probe_n_ >= s_.probe_samples) {
        min_rtt_us_ = probe_sum_ / static_cast<double>(probe_n_);
        note_min_rtt(now);
        probing_ = false;
        probe_sample_wanted_.store(false, std::memory_order_relaxed);
        set_limit(resume_at_);
        samples_.store(0);
        sum_us_.store(0);
        max_in_flight_.store(0);
        window_start_.store(now.time_since_epoch().count());
      }
    }
    return;
  }
  sum_us_.fetch_add(rtt.count(), std::memory_order_relaxed);
  const auto n = samples_.fetch_add(1, std::memory_order_relaxed) + 1;
  auto seen = max_in_flight_.load(std::memory_order_relaxed);
  while (in_flight > seen &&
         !max_in_flight_.compare_exchange_weak(seen, in_flight, std::memory_order_relaxed)) {
  }
  const auto started = window_start_.load();
  const auto age = now - Clock::time_point(Clock::duration(started));
  const auto window = std::chrono::milliseconds(s_.window_ms);
  if (age < window || (n < s_.window_samples && age < 10 * window)) return;
  std::unique_lock lock(close_mutex_, std::try_to_lock);
  if (!lock.owns_lock() || window_start_.load() != started) return;  // someone else closes it
  window_start_.store(now.time_since_epoch().count());
  close_window(now, samples_.exchange(0), sum_us_.exchange(0), max_in_flight_.exchange(0));
}

void AdaptiveLimit::close_window(Clock::time_point now, std::int64_t n, std::int64_t sum,
                                 std::int64_t peak) {
  if (probing_ || n == 0) return;
  const double mean = static_cast<double>(sum) / static_cast<double>(n);
  if (min_rtt_us_ == 0 || mean < min_rtt_us_) {
    min_rtt_us_ = mean;  // faster than the probe found: the baseline moves down at once
    note_min_rtt(now);
  }
  const double queueing = (s_.tolerance - 1) * std::min(min_rtt_us_, floor_rtt_us_);
  const double gradient = std::clamp((min_rtt_us_ + queueing) / mean, 0.5, 2.0);
  if (gradient < 1.0) {
    const bool far_above = mean > 2 * s_.tolerance * min_rtt_us_;
    if (far_above && slow_windows_ == 0) before_slow_ = estimate_;
    set_limit(estimate_ * gradient);
    // Far above the baseline window after window although cut: the service itself is slower.
    // Re-probe, and resume from where the cuts began (the gradient finds the knee from there).
    if (far_above && ++slow_windows_ >= s_.slow_windows_to_probe) {
      estimate_ = before_slow_;
      start_probe(now);
      return;
    }
  } else {
    slow_windows_ = 0;
    // Only a window that came near its limit says anything about a higher one.
    if (static_cast<double>(peak) >= estimate_ / 2)
      set_limit(std::min(estimate_ * gradient, estimate_ + std::sqrt(estimate_)));
  }
  if (now >= next_probe_) start_probe(now);
}

}  // namespace smart_router::overload
