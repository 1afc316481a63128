#include "smart_router/overload/pool_admission.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace smart_router::overload {
namespace net = boost::asio;

namespace {
constexpr auto kToken = net::as_tuple(net::use_awaitable);
// Credit a class's fresh lane may save up while its queue drains: a few requests arriving
// together still take the lane.
constexpr std::int64_t kFreshCreditMax = 4 * kFreshEvery;
}  // namespace

struct PoolAdmission::Waiter {
  const ClassLevels* levels = nullptr;     // the request's snapshot keeps it alive
  bool fresh = false;                      // in the fresh lane
  bool granted = false;                    // under mutex_
  std::optional<net::steady_timer> timer;  // one allocation with the waiter
};

bool PoolAdmission::QueueEntry::operator<(const QueueEntry& o) const {
  if (slot != o.slot) return slot > o.slot;
  if (fresh != o.fresh) return fresh;
  if (deadline != o.deadline) return deadline < o.deadline;
  return seq < o.seq;
}

PoolAdmission::PoolAdmission(std::string pool) : pool_(std::move(pool)) {}

void PoolAdmission::configure(const PoolAdmissionSettings& s) {
  std::lock_guard lock(mutex_);
  static_limit_.store(s.limit, std::memory_order_relaxed);
  queue_length_.store(s.queue_length, std::memory_order_relaxed);
  retry_budget_.configure(s.retry_percent, s.retry_min_concurrent);
  if (!s.adaptive || s.limit == 0) {
    adaptive_.store(nullptr);
  } else {
    auto wanted = s.adaptive_settings;
    wanted.max_limit = s.limit;
    const auto& had = adaptive_settings_;
    const bool same = adaptive_.load() != nullptr && had.min_limit == wanted.min_limit &&
                      had.max_limit == wanted.max_limit && had.tolerance == wanted.tolerance &&
                      had.window_ms == wanted.window_ms &&
                      had.window_samples == wanted.window_samples;
    if (!same) {
      adaptive_owned_.push_back(
          std::make_unique<AdaptiveLimit>(wanted, s.limit, Clock::now(), pool_));
      adaptive_.store(adaptive_owned_.back().get());
      adaptive_settings_ = wanted;
    }
  }
  limited_.store(s.limit > 0, std::memory_order_relaxed);
  grant_waiters();  // a higher limit may free waiters now
}

std::chrono::microseconds PoolAdmission::latency_baseline() const {
  const auto* a = adaptive_.load(std::memory_order_acquire);
  return std::chrono::microseconds(a == nullptr ? 0 : static_cast<std::int64_t>(a->min_rtt_us()));
}

std::int64_t PoolAdmission::limit() const {
  if (const auto* a = adaptive_.load(std::memory_order_acquire)) return a->limit();
  return static_limit_.load(std::memory_order_relaxed);
}

bool PoolAdmission::try_acquire(const ClassLevels& levels) {
  if (waiting_.load(std::memory_order_seq_cst) > 0) return false;  // no overtaking
  return try_count(counters_, levels, limit(), static_limit_.load(std::memory_order_relaxed));
}

void PoolAdmission::release(std::size_t slot) {
  counters_.add(slot, -1);
  std::atomic_thread_fence(std::memory_order_seq_cst);  // pairs with wait()'s waiting_ increment
  if (waiting_.load(std::memory_order_seq_cst) == 0) return;
  std::lock_guard lock(mutex_);
  grant_waiters();
}

void PoolAdmission::grant_waiters() {
  const auto lim = limit();
  const auto top = static_limit_.load(std::memory_order_relaxed);
  for (auto it = queue_.begin(); it != queue_.end();) {
    const auto& w = it->waiter;
    // Lower priorities are held by every check a higher one is: the first that does not fit
    // ends the round.
    if (!try_count(counters_, *w->levels, lim, top)) break;
    w->granted = true;
    note_grant(Clock::now());
    const auto slot = w->levels->slot;
    --waiting_at_[slot];
    if (w->fresh) --fresh_at_[slot];
    fresh_credit_[slot] = std::min(kFreshCreditMax, fresh_credit_[slot] + 1);
    waiting_.fetch_sub(1, std::memory_order_seq_cst);
    // The timer belongs to the waiter's worker thread: cancel it there (at once when this is
    // that thread; cancel() only queues the waiter's wake-up).
    net::dispatch(w->timer->get_executor(), [w] { w->timer->cancel(); });
    it = queue_.erase(it);
  }
}

void PoolAdmission::note_grant(Clock::time_point now) {
  // Only grants in one run of queueing say how fast the queue moves: a gap of a second or
  // more means the queue had emptied.
  const auto gap = std::chrono::duration<double, std::micro>(now - last_grant_).count();
  last_grant_ = now;
  if (gap > 1e6) return;
  grant_interval_us_ += (gap - grant_interval_us_) / 16;
}

PoolAdmission::Clock::duration PoolAdmission::expected_wait(const ClassLevels& levels,
                                                            bool fresh) const {
  const auto latency = expected_latency();
  std::int64_t ahead = fresh ? fresh_at_[levels.slot] : waiting_at_[levels.slot];
  for (std::size_t s = levels.slot + 1; s < kMaxPriorityLevels; ++s) ahead += waiting_at_[s];
  const auto own_share = levels.checks.empty() ? 100U : levels.checks.front().share_percent;
  const auto slots = share_of(limit(), own_share);
  // Slots turn over once per latency: the request ahead of us in line k is served after k/slots
  // latencies. Behind the fresh lane, the line moves at what the lane leaves of them.
  // The line may move slower than that (a freed slot takes a moment to reach its waiter, and
  // the worker to send its request): then the pace at which the queue hands out slots rules.
  const auto measured = std::chrono::duration<double, std::micro>(grant_interval_us_ * 1.0);
  const auto wait = std::max<Clock::duration>(
      latency * (ahead + 1) / slots,
      std::chrono::duration_cast<Clock::duration>(measured * static_cast<double>(ahead + 1)));
  if (fresh) return wait;
  return wait * kFreshEvery / (kFreshEvery - 1);
}

net::awaitable<AdmitResult> PoolAdmission::wait(const ClassLevels& levels,
                                                Clock::time_point deadline,
                                                net::any_io_executor ex) {
  std::shared_ptr<Waiter> w;
  std::uint64_t seq = 0;  // with slot, lane and deadline: the waiter's key in queue_
  {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    // The time an answer needs, with a margin: the mean alone would let the slower half of
    // the answers admitted at the last moment miss the deadline (a 504 after all the wait).
    const auto latency = expected_latency() * 5 / 4 + std::chrono::milliseconds(1);
    if (static_cast<std::int64_t>(queue_.size()) >= queue_length_.load(std::memory_order_relaxed))
      co_return AdmitResult::queue_full;
    auto& credit = fresh_credit_[levels.slot];
    const bool fresh = credit >= kFreshEvery;
    if (now + expected_wait(levels, fresh) + latency > deadline) co_return AdmitResult::deadline;
    // Only a request that will wait costs an allocation: a flood's refusals do not.
    w = std::make_shared<Waiter>();
    w->levels = &levels;
    w->fresh = fresh;
    if (w->fresh) {
      credit -= kFreshEvery;
      ++fresh_at_[levels.slot];
    }
    seq = next_seq_++;
    w->timer.emplace(ex);
    // Admitted later than this, the answer could not come before the deadline.
    w->timer->expires_at(deadline - latency);
    queue_.insert({levels.slot, fresh, deadline, seq, w});
    ++waiting_at_[levels.slot];
    waiting_.fetch_add(1, std::memory_order_seq_cst);
    grant_waiters();
    if (w->granted) co_return AdmitResult::admitted;
  }
  co_await w->timer->async_wait(kToken);
  std::lock_guard lock(mutex_);
  if (w->granted) co_return AdmitResult::admitted;
  queue_.erase({levels.slot, w->fresh, deadline, seq, nullptr});
  --waiting_at_[levels.slot];
  if (w->fresh) --fresh_at_[levels.slot];
  waiting_.fetch_sub(1, std::memory_order_seq_cst);
  co_return AdmitResult::timed_out;
}

AwaitedAnswer PoolAdmission::sending(Clock::time_point now) {
  auto* a = adaptive_.load(std::memory_order_acquire);
  return a == nullptr ? AwaitedAnswer{} : a->sending(now, counters_.total());
}

void PoolAdmission::record_latency(std::chrono::microseconds rtt, const AwaitedAnswer& sent,
                                   Clock::time_point now) {
  // A racy smoothed mean: a lost update among concurrent samples is harmless here.
  const auto old = latency_us_.load(std::memory_order_relaxed);
  latency_us_.store(old == 0 ? rtt.count() : old + (rtt.count() - old) / 16,
                    std::memory_order_relaxed);
  if (auto* a = adaptive_.load(std::memory_order_acquire))
    a->record(rtt, sent.in_flight_at_send(), now);
}

std::chrono::microseconds PoolAdmission::expected_latency() const {
  return std::chrono::microseconds(latency_us_.load(std::memory_order_relaxed));
}

std::shared_ptr<PoolAdmission> PoolAdmissionRegistry::get(const std::string& pool) {
  std::lock_guard lock(mutex_);
  auto& p = pools_[pool];
  if (!p) p = std::make_shared<PoolAdmission>(pool);
  return p;
}

}  // namespace smart_router::overload
