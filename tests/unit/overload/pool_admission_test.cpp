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
  pool.record_latency(std::chrono::microseconds(200'000), Clock::now());  // answers take 200 ms
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

}  // namespace
