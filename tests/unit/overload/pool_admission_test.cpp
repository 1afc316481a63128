#include "smart_router/overload/pool_admission.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <vector>

namespace {

namespace net = boost::asio;
using smart_router::overload::AdmitResult;
using smart_router::overload::build_class_levels;
using smart_router::overload::ClassLevels;
using smart_router::overload::PoolAdmission;
using smart_router::overload::PoolAdmissionSettings;
using smart_router::overload::PrioritySlots;
using Clock = PoolAdmission::Clock;
using std::chrono::milliseconds;

struct Classes {
  std::vector<int> priorities{0, 2};  // LITE, ELITE
  std::vector<std::uint32_t> shares{70, 100};
  PrioritySlots slots{priorities};
  std::vector<ClassLevels> levels = build_class_levels(slots, priorities, shares);
  const ClassLevels& lite() const { return levels[0]; }
  const ClassLevels& elite() const { return levels[1]; }
};

PoolAdmissionSettings limit_of(std::int64_t limit, std::int64_t queue = 100) {
  PoolAdmissionSettings s;
  s.limit = limit;
  s.queue_length = queue;
  return s;
}

// One request waiting for a slot on `ioc`; `result` is set when it has an answer.
struct Waiting {
  std::optional<AdmitResult> result;
};

net::awaitable<void> wait_for(PoolAdmission& pool, const ClassLevels& levels,
                              Clock::time_point deadline, Waiting& out) {
  out.result = co_await pool.wait(levels, deadline, co_await net::this_coro::executor);
}

void start_waiting(net::io_context& ioc, PoolAdmission& pool, const ClassLevels& levels,
                   Clock::time_point deadline, Waiting& out) {
  net::co_spawn(ioc, wait_for(pool, levels, deadline, out), net::detached);
  ioc.poll();
}

// Runs `ioc` until `done` holds, bounded (no sleep: the loop runs handlers as they come).
template <typename Pred>
void run_until(net::io_context& ioc, Pred done) {
  const auto bound = Clock::now() + std::chrono::seconds(10);
  while (!done() && Clock::now() < bound) {
    ioc.restart();
    ioc.run_one_for(milliseconds(50));
  }
}

// One pool and the worker its waiters run on.
class PoolAdmissionTest : public testing::Test {
 protected:
  // Runs the worker until `w` has its answer (bounded).
  void run(Waiting& w) {
    run_until(ioc, [&] { return w.result.has_value(); });
  }

  Classes k;
  net::io_context ioc;
  PoolAdmission pool{"shared"};
};

TEST_F(PoolAdmissionTest, FastPathUpToEachShare) {
  pool.configure(limit_of(10));
  int lite = 0;
  for (int i = 0; i < 20; ++i) lite += pool.try_acquire(k.lite()) ? 1 : 0;
  EXPECT_EQ(lite, 7);
  int elite = 0;
  for (int i = 0; i < 20; ++i) elite += pool.try_acquire(k.elite()) ? 1 : 0;
  EXPECT_EQ(elite, 3);
  EXPECT_EQ(pool.in_flight(), 10);
}

TEST_F(PoolAdmissionTest, AReleasedSlotGoesToTheWaiter) {
  pool.configure(limit_of(1));
  ASSERT_TRUE(pool.try_acquire(k.elite()));
  Waiting w;
  start_waiting(ioc, pool, k.elite(), Clock::now() + std::chrono::seconds(5), w);
  EXPECT_FALSE(w.result);
  EXPECT_EQ(pool.waiting(), 1);
  pool.release(k.elite().slot);
  run(w);
  ASSERT_TRUE(w.result);
  EXPECT_EQ(*w.result, AdmitResult::admitted);
  EXPECT_EQ(pool.in_flight(), 1);
  EXPECT_EQ(pool.waiting(), 0);
}

TEST_F(PoolAdmissionTest, PremiumWaitersGoFirst) {
  pool.configure(limit_of(2));
  ASSERT_TRUE(pool.try_acquire(k.elite()));
  ASSERT_TRUE(pool.try_acquire(k.elite()));
  Waiting lite;
  Waiting elite;
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  start_waiting(ioc, pool, k.lite(), deadline, lite);  // first in line, lower priority
  start_waiting(ioc, pool, k.elite(), deadline, elite);
  pool.release(k.elite().slot);
  run(elite);
  EXPECT_EQ(elite.result, AdmitResult::admitted);
  EXPECT_FALSE(lite.result);
  pool.release(k.elite().slot);
  run(lite);
  EXPECT_EQ(lite.result, AdmitResult::admitted);
}

TEST_F(PoolAdmissionTest, NobodyOvertakesAWaiter) {
  pool.configure(limit_of(1));
  ASSERT_TRUE(pool.try_acquire(k.elite()));
  Waiting w;
  start_waiting(ioc, pool, k.elite(), Clock::now() + std::chrono::seconds(5), w);
  EXPECT_FALSE(pool.try_acquire(k.elite()));  // the fast path defers to the queue
  pool.release(k.elite().slot);
  run(w);
  EXPECT_EQ(w.result, AdmitResult::admitted);
}

TEST_F(PoolAdmissionTest, AFullQueueRefusesAtOnce) {
  pool.configure(limit_of(1, 1));
  ASSERT_TRUE(pool.try_acquire(k.elite()));
  Waiting first;
  Waiting second;
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  start_waiting(ioc, pool, k.elite(), deadline, first);
  start_waiting(ioc, pool, k.elite(), deadline, second);
  EXPECT_EQ(second.result, AdmitResult::queue_full);
  EXPECT_FALSE(first.result);
  pool.release(k.elite().slot);
  run(first);
}

TEST_F(PoolAdmissionTest, ADeadlineThatCannotBeMetIsRefusedAtOnce) {
  pool.configure(limit_of(1));
  pool.record_latency(std::chrono::microseconds(200'000), {}, Clock::now());  // answers take 200 ms
  ASSERT_TRUE(pool.try_acquire(k.elite()));
  Waiting w;
  start_waiting(ioc, pool, k.elite(), Clock::now() + milliseconds(300), w);
  EXPECT_EQ(w.result, AdmitResult::deadline);  // a 200 ms wait + 200 ms answer > 300 ms
  EXPECT_EQ(pool.waiting(), 0);
}

TEST_F(PoolAdmissionTest, AWaiterGivesUpWhenItCanNoLongerMakeItsDeadline) {
  pool.configure(limit_of(1));
  ASSERT_TRUE(pool.try_acquire(k.elite()));
  Waiting w;
  start_waiting(ioc, pool, k.elite(), Clock::now() + milliseconds(100), w);
  run(w);
  EXPECT_EQ(w.result, AdmitResult::timed_out);
  EXPECT_EQ(pool.waiting(), 0);
  EXPECT_EQ(pool.in_flight(), 1);
}

TEST_F(PoolAdmissionTest, ARaisedLimitFreesWaiters) {
  pool.configure(limit_of(1));
  ASSERT_TRUE(pool.try_acquire(k.elite()));
  Waiting w;
  start_waiting(ioc, pool, k.elite(), Clock::now() + std::chrono::seconds(5), w);
  pool.configure(limit_of(2));
  run(w);
  EXPECT_EQ(w.result, AdmitResult::admitted);
}

// After a burst: the backlog drains in order, but a request arriving once the queue has handed
// out enough slots waits only behind other fresh ones.
TEST_F(PoolAdmissionTest, AfterABurstAFreshRequestOvertakesTheBacklog) {
  pool.configure(limit_of(1));
  ASSERT_TRUE(pool.try_acquire(k.elite()));
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  std::vector<Waiting> backlog(20);
  for (auto& w : backlog) start_waiting(ioc, pool, k.elite(), deadline, w);
  const auto grants = static_cast<int>(smart_router::overload::kFreshEvery);
  for (int i = 0; i < grants; ++i) {
    pool.release(k.elite().slot);
    run(backlog[i]);
    ASSERT_EQ(backlog[i].result, AdmitResult::admitted);  // in order
  }
  Waiting fresh;
  start_waiting(ioc, pool, k.elite(), deadline, fresh);
  pool.release(k.elite().slot);
  run(fresh);
  EXPECT_EQ(fresh.result, AdmitResult::admitted);
  EXPECT_FALSE(backlog[grants].result);  // the backlog's next still waits
}

// During a burst the fresh lane takes at most its share of what the queue hands out: the
// backlog keeps draining.
TEST_F(PoolAdmissionTest, TheFreshLaneTakesOnlyItsShare) {
  pool.configure(limit_of(1, 1000));
  ASSERT_TRUE(pool.try_acquire(k.elite()));
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  std::vector<Waiting> backlog(200);
  for (auto& w : backlog) start_waiting(ioc, pool, k.elite(), deadline, w);
  std::vector<Waiting> arrivals(100);
  for (auto& w : arrivals) {
    start_waiting(ioc, pool, k.elite(), deadline, w);  // a new arrival per slot freed
    pool.release(k.elite().slot);
    ioc.restart();
    ioc.poll();
  }
  const auto admitted = [](const std::vector<Waiting>& ws) {
    int n = 0;
    for (const auto& w : ws) n += w.result == AdmitResult::admitted ? 1 : 0;
    return n;
  };
  EXPECT_GT(admitted(arrivals), 0);  // the lane is used
  EXPECT_LE(admitted(arrivals), 100 / smart_router::overload::kFreshEvery + 1);
  EXPECT_EQ(admitted(backlog) + admitted(arrivals), 100);
}

}  // namespace
