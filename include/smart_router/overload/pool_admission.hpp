// Admission to one upstream pool, router-wide (every worker shares it): a concurrency limit
// (static, or adaptive from the pool's latency) shared out by priority (PriorityLevels: each
// class may hold its shed_at_percent, premium keeps a reserve), and a bounded, deadline-aware
// priority queue for requests that find their share full.
//
// When nothing waits, admission is a few atomics and no lock. A request that must wait is
// refused at once (503) when its deadline cannot be met: the queue is full, or the wait it can
// expect plus the pool's latency passes its deadline. Otherwise it waits, highest priority
// first and earliest deadline first within a priority, until a slot is handed to it or it can
// no longer make its deadline. A freed slot goes to the best waiter directly (no thundering
// herd), on the waiter's own worker thread.
//
// Fresh first: after a burst, a class's queue holds a backlog of requests that can still make
// their deadlines; served strictly in order, every request that arrives after the burst would
// wait behind all of it. So a share of each class's slots (one in kFreshEvery of the slots the
// queue hands out) goes to a fresh lane: a request that arrives while the class has credit for it
// waits only behind other fresh ones. During a burst the lane takes at most that share (the
// backlog drains at the rest, and its admission check counts on no more); after it, arrivals
// at normal rates all take the lane and are served at once, while the backlog drains behind.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "smart_router/overload/adaptive_limit.hpp"
#include "smart_router/overload/priority_levels.hpp"
#include "smart_router/overload/retry_budget.hpp"

namespace smart_router::overload {

struct PoolAdmissionSettings {
  std::int64_t limit = 0;  // 0: no pool limit (and no queue)
  bool adaptive = false;   // the limit moves between adaptive.min_limit and `limit`
  AdaptiveSettings adaptive_settings;
  std::int64_t queue_length = 1000;  // waiting requests at most; 0: refuse at once
  std::uint32_t retry_percent = 20;  // retry_budget (retry_budget.hpp)
  std::uint32_t retry_min_concurrent = 3;
};

enum class AdmitResult : std::uint8_t {
  admitted,    // holds a slot: release it when the request ends
  queue_full,  // refused at once: too many waiting
  deadline,    // refused at once: the expected wait plus latency passes the deadline
  timed_out,   // waited, and can no longer make the deadline
};

// One in this many of the slots a class's queue hands out may go to its fresh lane.
inline constexpr std::int64_t kFreshEvery = 10;

class PoolAdmission {
 public:
  using Clock = std::chrono::steady_clock;
  explicit PoolAdmission(std::string pool);

  const std::string& pool() const { return pool_; }
  // On every (re)load; keeps the counts of requests in flight and waiting.
  void configure(const PoolAdmissionSettings& s);
  bool limited() const { return limited_.load(std::memory_order_relaxed); }
  std::int64_t limit() const;
  // The adaptive limit's latency without queueing (min_rtt); 0 without one or before its probe.
  std::chrono::microseconds latency_baseline() const;
  std::int64_t in_flight() const { return counters_.total(); }
  std::int64_t waiting() const { return waiting_.load(std::memory_order_relaxed); }

  // The fast path: counts the request when it fits and nobody waits. False: call wait().
  bool try_acquire(const ClassLevels& levels);
  // The slow path: a slot by `deadline`, or why not. `ex` is the caller's worker.
  boost::asio::awaitable<AdmitResult> wait(const ClassLevels& levels, Clock::time_point deadline,
                                           boost::asio::any_io_executor ex);
  // The request that held a slot of `slot` ended. Hands the slot on to the best waiter.
  void release(std::size_t slot);

  // A try's request goes out now: the adaptive limit counts it until its answer head comes
  // (or the try ends), and learns the pool's in-flight count at this moment.
  AwaitedAnswer sending(Clock::time_point now);
  // An answered attempt's latency: feeds the latency estimate and the adaptive limit.
  void record_latency(std::chrono::microseconds rtt, const AwaitedAnswer& sent,
                      Clock::time_point now);
  // The expected latency of an attempt (mean of recent answers), 0 before any.
  std::chrono::microseconds expected_latency() const;

  // The pool's retry budget (router-wide, kept across reloads like the counts above).
  RetryBudget& retry_budget() { return retry_budget_; }
  const RetryBudget& retry_budget() const { return retry_budget_; }

 private:
  struct Waiter;
  // A queue entry carries its order's keys: comparing them chases no pointer (with hundreds
  // waiting, each insert compares ~10 entries that are not in cache).
  struct QueueEntry {
    std::size_t slot;  // higher first
    bool fresh;        // the fresh lane first
    Clock::time_point deadline;
    std::uint64_t seq;
    std::shared_ptr<Waiter> waiter;
    bool operator<(const QueueEntry& o) const;
  };
  void grant_waiters();                    // under mutex_
  void note_grant(Clock::time_point now);  // under mutex_: the pace of the queue
  // Under mutex_: the wait a new request of `levels` can expect in the lane it would take.
  Clock::duration expected_wait(const ClassLevels& levels, bool fresh) const;

  std::string pool_;
  std::atomic<bool> limited_{false};
  std::atomic<std::int64_t> static_limit_{0};
  std::atomic<std::int64_t> queue_length_{0};
  // The adaptive limit in use (null: the static limit). A raw pointer for the hot path; the
  // objects live as long as this (a reload that changes the settings adds one; reloads are rare).
  std::atomic<AdaptiveLimit*> adaptive_{nullptr};
  std::vector<std::unique_ptr<AdaptiveLimit>> adaptive_owned_;  // under mutex_
  AdaptiveSettings adaptive_settings_;                          // of the last one, under mutex_
  PriorityCounters counters_;
  std::atomic<std::int64_t> waiting_{0};
  std::atomic<std::int64_t> latency_us_{0};  // smoothed mean
  RetryBudget retry_budget_;

  std::mutex mutex_;
  std::set<QueueEntry> queue_;
  std::array<std::int64_t, kMaxPriorityLevels> waiting_at_{};    // per slot, under mutex_
  std::array<std::int64_t, kMaxPriorityLevels> fresh_at_{};      // of them in the fresh lane
  std::array<std::int64_t, kMaxPriorityLevels> fresh_credit_{};  // grants since, per slot
  std::uint64_t next_seq_ = 0;
  Clock::time_point last_grant_;  // under mutex_
  double grant_interval_us_ = 0;  // smoothed time between grants, under mutex_
};

// A slot of a pool, given back when the request ends however it ends.
using PoolSlot = CountedSlot<PoolAdmission>;

// One PoolAdmission per pool name for the life of the process, so a reload keeps the counts.
class PoolAdmissionRegistry {
 public:
  std::shared_ptr<PoolAdmission> get(const std::string& pool);

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<PoolAdmission>> pools_;
};

}  // namespace smart_router::overload
