#include "smart_router/overload/adaptive_limit.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace smart_router::overload {

namespace {
// How long a lower min_rtt stays the healthy baseline: longer than a brownout, shorter than a
// lasting change of the service (then two probes later the new latency is the baseline).
constexpr auto kFloorMemory = std::chrono::seconds(60);
// The brake looks at the send rate once this many requests have gone out.
constexpr std::int64_t kBrakeEvery = 8;
// A window after a far cut whose latency is still this share of the far window's was not
// queueing: the cut did not move it.
constexpr double kUnmoved = 0.8;
// Near the target the limit moves this share of the way the gradient points: one window's
// mean is noisy, and each step up sends a batch into the upstream's queue at once.
constexpr double kStep = 0.5;

double micros(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}
}  // namespace

void AwaitedAnswer::end() {
  if (limit_ != nullptr) limit_->answer_ended();
  limit_ = nullptr;
}

AdaptiveLimit::AdaptiveLimit(AdaptiveSettings s, std::int64_t initial, Clock::time_point now,
                             std::string pool)
    : s_(s),
      pool_(std::move(pool)),
      limit_(std::clamp(initial, s.min_limit, s.max_limit)),
      window_start_(now.time_since_epoch().count()),
      changed_at_(now.time_since_epoch().count()),
      estimate_(static_cast<double>(limit_.load())),
      rate_since_(now) {
  start_probe(now);
}

void AdaptiveLimit::set_limit(double v, Clock::time_point now) {
  estimate_ = std::clamp(v, static_cast<double>(s_.min_limit), static_cast<double>(s_.max_limit));
  const auto limit = static_cast<std::int64_t>(estimate_);
  if (limit == limit_.load(std::memory_order_relaxed)) return;
  limit_.store(limit, std::memory_order_relaxed);
  judge_from(now);
}

void AdaptiveLimit::judge_from(Clock::time_point now) {
  // Only requests sent from now on show the new limit, and their answers cannot be back
  // before a round trip.
  changed_at_.store(now.time_since_epoch().count(), std::memory_order_relaxed);
  const auto first_answer = now + std::chrono::microseconds(static_cast<std::int64_t>(min_rtt_us_));
  window_start_.store(first_answer.time_since_epoch().count());
  samples_.store(0);
  sum_us_.store(0);
  max_in_flight_.store(0);
}

void AdaptiveLimit::start_probe(Clock::time_point now) {
  probing_ = true;
  probe_sample_wanted_.store(true, std::memory_order_relaxed);
  probe_sum_ = 0;
  probe_n_ = 0;
  resume_at_ = std::max(estimate_, static_cast<double>(s_.min_limit));
  far_cut_from_ = 0;
  next_probe_ = now + std::chrono::milliseconds(s_.probe_interval_ms);
  // Premium classes are not held to the probe's limit while lower ones are in flight (see
  // try_count), so the pool may never get down to it: after a while, every answer counts (the
  // lower classes are held by then; what is in flight is premium's own load).
  const auto settle =
      std::max(std::chrono::microseconds(100'000),
               std::chrono::microseconds(static_cast<std::int64_t>(4 * min_rtt_us_)));
  probe_any_after_.store((now + settle).time_since_epoch().count(), std::memory_order_relaxed);
  limit_.store(s_.min_limit, std::memory_order_relaxed);
  judge_from(now);
}

double AdaptiveLimit::allowed_queueing() const {
  return (s_.tolerance - 1) * std::min(min_rtt_us_, floor_rtt_us_);
}

void AdaptiveLimit::note_min_rtt(Clock::time_point now) {
  min_rtt_seen_.store(min_rtt_us_, std::memory_order_relaxed);
  if (floor_rtt_us_ == 0 || min_rtt_us_ <= floor_rtt_us_ || now - floor_at_ > kFloorMemory) {
    floor_rtt_us_ = min_rtt_us_;
    floor_at_ = now;
  }
}

AwaitedAnswer AdaptiveLimit::sending(Clock::time_point now, std::int64_t in_flight) {
  if ((sends_.fetch_add(1, std::memory_order_relaxed) + 1) % kBrakeEvery == 0)
    check_brake(now, in_flight);
  return {this, in_flight};
}

void AdaptiveLimit::check_brake(Clock::time_point now, std::int64_t in_flight) {
  std::unique_lock lock(close_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return;
  const double span = micros(now - rate_since_);
  rate_since_ = now;
  if (probing_ || min_rtt_us_ == 0) return;
  // Sends spread over more than the latency judged (a quiet spell among them) say nothing of
  // it: start over. Otherwise smooth over a few checks: a rate that lags a rise overstates the
  // latency only briefly, one that lags a fall understates it (never a false brake after load
  // goes away).
  if (span <= 0 || span > 2 * s_.tolerance * min_rtt_us_) {
    send_rate_per_us_ = 0;
    return;
  }
  const double rate = static_cast<double>(kBrakeEvery) / span;
  send_rate_per_us_ =
      send_rate_per_us_ == 0 ? rate : send_rate_per_us_ + (rate - send_rate_per_us_) / 4;
  // ended_ first: a try counted there was counted in sends_ before.
  const auto ended = ended_.load(std::memory_order_relaxed);
  const auto awaiting = sends_.load(std::memory_order_relaxed) - ended;
  if (awaiting <= s_.min_limit) return;
  // Only a pool well below its limit can still fill the upstream's queue (at its limit, the
  // limit already stops it), and one brake per round trip: its answers are not back before.
  if (static_cast<double>(in_flight) >= 0.9 * estimate_) return;
  const auto changed = Clock::time_point(Clock::duration(changed_at_.load()));
  if (micros(now - changed) < s_.tolerance * min_rtt_us_) return;
  const double latency = static_cast<double>(awaiting) / send_rate_per_us_;
  if (latency <= s_.tolerance * min_rtt_us_) return;
  set_limit(static_cast<double>(in_flight), now);
  if (now - brake_logged_ >= std::chrono::seconds(1)) {
    brake_logged_ = now;
    spdlog::info(
        "pool {}: {} requests await answers, sent at {:.0f}/s: {:.1f} ms each (Little's law) "
        "against {:.1f} ms without queueing; the concurrency limit stops at {}",
        pool_, awaiting, send_rate_per_us_ * 1e6, latency / 1000, min_rtt_us_ / 1000, limit());
  }
}

void AdaptiveLimit::record(std::chrono::microseconds rtt, std::int64_t sent_in_flight,
                           Clock::time_point now) {
  const auto sent = (now - rtt).time_since_epoch().count();
  if (sent < changed_at_.load(std::memory_order_relaxed)) return;  // shows an older limit
  if (probe_sample_wanted_.load(std::memory_order_relaxed)) {
    if (sent_in_flight > s_.min_limit &&
        now.time_since_epoch().count() < probe_any_after_.load(std::memory_order_relaxed))
      return;
    std::lock_guard lock(close_mutex_);
    if (probing_) {
      probe_sum_ += static_cast<double>(rtt.count());
      if (++probe_n_ >= s_.probe_samples) {
        min_rtt_us_ = probe_sum_ / static_cast<double>(probe_n_);
        note_min_rtt(now);
        probing_ = false;
        probe_sample_wanted_.store(false, std::memory_order_relaxed);
        set_limit(resume_at_, now);
      }
    }
    return;
  }
  sum_us_.fetch_add(rtt.count(), std::memory_order_relaxed);
  const auto n = samples_.fetch_add(1, std::memory_order_relaxed) + 1;
  auto seen = max_in_flight_.load(std::memory_order_relaxed);
  while (sent_in_flight > seen &&
         !max_in_flight_.compare_exchange_weak(seen, sent_in_flight, std::memory_order_relaxed)) {
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

bool AdaptiveLimit::slowed_service(Clock::time_point now, double mean) {
  const double from = far_cut_from_;
  far_cut_from_ = 0;
  if (mean <= s_.tolerance * min_rtt_us_ || mean < kUnmoved * far_cut_mean_us_) return false;
  // The cut did not bring the latency down: this is the service's own latency now.
  const double was = min_rtt_us_;
  min_rtt_us_ = mean;
  note_min_rtt(now);
  set_limit(from * (min_rtt_us_ + allowed_queueing()) / far_cut_mean_us_, now);
  spdlog::warn(
      "pool {}: the upstream answers in {:.1f} ms without queueing (was {:.1f} ms): its own "
      "service slowed down; the concurrency limit is {} (queueing allowed: {:.1f} ms)",
      pool_, min_rtt_us_ / 1000, was / 1000, limit(), allowed_queueing() / 1000);
  return true;
}

void AdaptiveLimit::close_window(Clock::time_point now, std::int64_t n, std::int64_t sum,
                                 std::int64_t peak) {
  if (probing_ || n == 0) return;
  const double mean = static_cast<double>(sum) / static_cast<double>(n);
  if (min_rtt_us_ == 0 || mean < min_rtt_us_) {
    min_rtt_us_ = mean;  // faster than the probe found: the baseline moves down at once
    note_min_rtt(now);
  }
  if (far_cut_from_ == 0 || !slowed_service(now, mean)) follow_gradient(now, mean, peak);
  if (now >= next_probe_) start_probe(now);
}

void AdaptiveLimit::follow_gradient(Clock::time_point now, double mean, std::int64_t peak) {
  const double gradient = std::clamp((min_rtt_us_ + allowed_queueing()) / mean, 0.5, 2.0);
  const double damped = estimate_ * (1 + (gradient - 1) * kStep);
  if (gradient >= 1.0) {
    // Only a window that came near its limit says anything about a higher one.
    if (static_cast<double>(peak) >= estimate_ / 2)
      set_limit(std::min(damped, estimate_ + std::sqrt(estimate_)), now);
  } else if (mean > 2 * s_.tolerance * min_rtt_us_) {  // far above: cut, the next window says why
    far_cut_from_ = static_cast<double>(std::max<std::int64_t>(peak, s_.min_limit));
    far_cut_mean_us_ = mean;
    set_limit(estimate_ * gradient, now);
  } else {
    set_limit(damped, now);
  }
}

}  // namespace smart_router::overload
