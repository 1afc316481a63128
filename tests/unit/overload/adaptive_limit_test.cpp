#include "smart_router/overload/adaptive_limit.hpp"

#include <gtest/gtest.h>

namespace {

using smart_router::overload::AdaptiveLimit;
using smart_router::overload::AdaptiveSettings;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using Clock = AdaptiveLimit::Clock;

AdaptiveSettings settings() {
  AdaptiveSettings s;
  s.min_limit = 4;
  s.max_limit = 256;
  return s;
}

// Answers of a probe: `rtt` each, sent at min_limit.
void probe(AdaptiveLimit& a, Clock::time_point t, microseconds rtt) {
  for (int i = 0; i < 16; ++i) a.record(rtt, 4, t);
}

// `windows` windows of answers of `rtt`, with `in_flight` requests out.
Clock::time_point feed(AdaptiveLimit& a, Clock::time_point t, int windows, microseconds rtt,
                       std::int64_t in_flight) {
  for (int w = 0; w < windows; ++w) {
    t += milliseconds(26);
    for (int i = 0; i < 20; ++i) a.record(rtt, in_flight, t);
  }
  return t;
}

TEST(AdaptiveLimit, StartsWithAProbeAtMinLimit) {
  const auto t = Clock::now();
  AdaptiveLimit a(settings(), 100, t);
  EXPECT_TRUE(a.probing());
  EXPECT_EQ(a.limit(), 4);
  probe(a, t, microseconds(20000));
  EXPECT_FALSE(a.probing());
  EXPECT_EQ(a.limit(), 100);
  EXPECT_DOUBLE_EQ(a.min_rtt_us(), 20000);
}

TEST(AdaptiveLimit, StaysWithinItsBounds) {
  const auto t = Clock::now();
  AdaptiveLimit big(settings(), 1000, t);
  probe(big, t, microseconds(1000));
  EXPECT_EQ(big.limit(), 256);
  AdaptiveLimit small(settings(), 1, t);
  probe(small, t, microseconds(1000));
  EXPECT_EQ(small.limit(), 4);
}

TEST(AdaptiveLimit, GrowsWhileLatencyHoldsAndTheLimitIsUsed) {
  auto t = Clock::now();
  AdaptiveLimit a(settings(), 16, t);
  probe(a, t, microseconds(20000));
  feed(a, t, 10, microseconds(20000), 16);
  EXPECT_GT(a.limit(), 16);
}

TEST(AdaptiveLimit, DoesNotGrowAnUnusedLimit) {
  auto t = Clock::now();
  AdaptiveLimit a(settings(), 64, t);
  probe(a, t, microseconds(20000));
  feed(a, t, 10, microseconds(20000), 5);
  EXPECT_EQ(a.limit(), 64);
}

TEST(AdaptiveLimit, FallsWhenTheUpstreamQueuesAndRecoversAfter) {
  auto t = Clock::now();
  AdaptiveLimit a(settings(), 128, t);
  probe(a, t, microseconds(20000));
  t = feed(a, t, 1, microseconds(60000), 128);  // requests queue upstream: 3x min_rtt
  const auto low = a.limit();
  EXPECT_LT(low, 128);
  t = feed(a, t, 10, microseconds(20000), low);  // the queue is gone
  EXPECT_GT(a.limit(), low);
}

TEST(AdaptiveLimit, ASlowerServiceIsRelearnedByAProbe) {
  // The upstream's own service time quadruples: cuts cannot bring the latency back, so after a
  // few windows the limit probes again and takes the new latency as its baseline.
  auto t = Clock::now();
  AdaptiveLimit a(settings(), 128, t);
  probe(a, t, microseconds(20000));
  t = feed(a, t, 3, microseconds(80000), 128);
  ASSERT_TRUE(a.probing());
  EXPECT_EQ(a.limit(), 4);
  probe(a, t, microseconds(80000));
  EXPECT_FALSE(a.probing());
  EXPECT_DOUBLE_EQ(a.min_rtt_us(), 80000);
  const auto resumed = a.limit();
  EXPECT_EQ(resumed, 128);  // from where the cuts began: the gradient finds the knee from there
  feed(a, t, 1, microseconds(160000), resumed);  // still queueing at 128: cut, no re-probe
  EXPECT_LT(a.limit(), 128);
  EXPECT_FALSE(a.probing());
}

// Healthy at 20 ms, then the service slows to 80 ms: three windows far above min_rtt re-probe,
// and the probe learns 80 ms. Returns the time after the probe.
Clock::time_point slowed_and_reprobed(AdaptiveLimit& a, Clock::time_point t) {
  probe(a, t, microseconds(20000));
  t = feed(a, t, 3, microseconds(80000), 128);
  EXPECT_TRUE(a.probing());
  probe(a, t, microseconds(80000));
  EXPECT_DOUBLE_EQ(a.min_rtt_us(), 80000);
  return t;
}

TEST(AdaptiveLimit, ABrownoutAllowsTheQueueingOfTheHealthyBaselineNotMore) {
  // Healthy at 20 ms: tolerance 1.5 allows 10 ms of queueing. The service slows to 80 ms and is
  // re-probed: 120 ms (1.5 x 80) would let the upstream queue 40 ms, which premium would wait
  // behind; the limit falls until only the healthy 10 ms are left.
  auto t = Clock::now();
  AdaptiveLimit a(settings(), 128, t);
  t = slowed_and_reprobed(a, t);
  ASSERT_EQ(a.limit(), 128);
  t = feed(a, t, 1, microseconds(120000), 128);
  EXPECT_LT(a.limit(), 128);
  t = feed(a, t, 2, microseconds(90000), a.limit());  // 80 + 10 ms: where it may stay
  const auto settled = a.limit();
  feed(a, t, 5, microseconds(90000), settled);
  EXPECT_GE(a.limit(), settled);
}

TEST(AdaptiveLimit, ALastingSlowdownBecomesTheBaselineAfterAMinute) {
  auto t = Clock::now();
  AdaptiveSettings s = settings();
  s.probe_interval_ms = 20000;
  AdaptiveLimit a(s, 128, t);
  t = slowed_and_reprobed(a, t);
  // Still 80 ms at the next two probes (each runs within the window that finds it due), the
  // second past the minute: then 1.5 x 80 = 120 ms is within tolerance.
  for (int i = 0; i < 2; ++i) {
    t += std::chrono::seconds(35);
    t = feed(a, t, 1, microseconds(80000), 4);
    ASSERT_FALSE(a.probing());
  }
  const auto before = a.limit();
  feed(a, t, 1, microseconds(120000), before);
  EXPECT_GE(a.limit(), before);
}

TEST(AdaptiveLimit, ProbesAgainAfterTheInterval) {
  auto t = Clock::now();
  AdaptiveSettings s = settings();
  s.probe_interval_ms = 1000;
  AdaptiveLimit a(s, 64, t);
  probe(a, t, microseconds(20000));
  t = feed(a, t, 20, microseconds(20000), 64);
  t = feed(a, t, 19, microseconds(20000), 64);  // 39 x 26 ms: past the interval
  EXPECT_TRUE(a.probing());
}

// Premium is not held to the probe's limit while LITE is in flight: when the pool stays above
// it, the probe counts every answer after a while instead of waiting for ever.
TEST(AdaptiveLimit, AProbeAboveItsLimitCountsEveryAnswerAfterAWhile) {
  auto t = Clock::now();
  AdaptiveSettings s = settings();
  s.probe_interval_ms = 1000;
  AdaptiveLimit a(s, 64, t);
  probe(a, t, microseconds(20000));
  t = feed(a, t, 39, microseconds(20000), 64);
  ASSERT_TRUE(a.probing());
  t = feed(a, t, 2, microseconds(20000), 20);  // 52 ms at 20 in flight: not the probe's yet
  EXPECT_TRUE(a.probing());
  feed(a, t, 4, microseconds(20000), 20);  // past 100 ms: these count
  EXPECT_FALSE(a.probing());
  EXPECT_GT(a.limit(), s.min_limit);  // resumed
}

}  // namespace
