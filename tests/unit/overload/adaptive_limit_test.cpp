#include "smart_router/overload/adaptive_limit.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <vector>

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

// Answers of a probe: `rtt` each, sent at `t` (after the probe began) at min_limit.
Clock::time_point probe(AdaptiveLimit& a, Clock::time_point t, microseconds rtt) {
  for (int i = 0; i < 16; ++i) a.record(rtt, 4, t + rtt);
  return t + rtt;
}

// `windows` windows of answers of `rtt` to requests sent with `in_flight` requests out; each
// window's requests go out after the one before closed (so after any change it made), and
// its answers come 200 ms after that.
Clock::time_point feed(AdaptiveLimit& a, Clock::time_point t, int windows, microseconds rtt,
                       std::int64_t in_flight) {
  for (int w = 0; w < windows; ++w) {
    t += milliseconds(200);
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
  t = probe(a, t, microseconds(20000));
  t = feed(a, t, 1, microseconds(60000), 128);  // requests queue upstream: 3x min_rtt
  const auto low = a.limit();
  EXPECT_EQ(low, 96);  // half the way to 128 x (20 + 10 ms allowed) / 60 ms
  t = feed(a, t, 10, microseconds(20000), low);  // the queue is gone
  EXPECT_GT(a.limit(), low);
}

TEST(AdaptiveLimit, JudgesALimitOnlyByAnswersToRequestsSentUnderIt) {
  auto t = Clock::now();
  AdaptiveLimit a(settings(), 128, t);
  t = probe(a, t, microseconds(20000));
  t = feed(a, t, 1, microseconds(60000), 128);
  ASSERT_EQ(a.limit(), 96);
  // Still-slow answers of requests sent before the cut: the cut is not judged by them.
  for (int i = 0; i < 40; ++i) a.record(microseconds(60000), 128, t + milliseconds(50));
  EXPECT_EQ(a.limit(), 96);
  feed(a, t, 1, microseconds(30000), 96);  // sent after it: at the target, the limit holds
  EXPECT_EQ(a.limit(), 96);
}

TEST(AdaptiveLimit, ACutThatDoesNotBringTheLatencyDownFindsASlowerService) {
  // Healthy at 20 ms; the service slows to 80 ms. A window far above min_rtt cuts; the next
  // one, still at 80 ms although half as many requests were out, shows nothing was queueing:
  // 80 ms is the new min_rtt, and the limit goes back to where the slow answers' requests were
  // sent (60 in flight), scaled to the target (80 + the healthy 10 ms of queueing).
  auto t = Clock::now();
  AdaptiveLimit a(settings(), 128, t);
  t = probe(a, t, microseconds(20000));
  t = feed(a, t, 1, microseconds(80000), 60);
  ASSERT_EQ(a.limit(), 64);
  t = feed(a, t, 1, microseconds(80000), 60);
  EXPECT_DOUBLE_EQ(a.min_rtt_us(), 80000);
  EXPECT_EQ(a.limit(), static_cast<std::int64_t>(60 * 90.0 / 80.0));
  EXPECT_FALSE(a.probing());  // no probe at min_limit
}

TEST(AdaptiveLimit, ACutThatEmptiesTheUpstreamQueueKeepsTheBaseline) {
  auto t = Clock::now();
  AdaptiveLimit a(settings(), 256, t);
  t = probe(a, t, microseconds(20000));
  t = feed(a, t, 1, microseconds(80000), 256);  // 3 service times queued upstream
  ASSERT_EQ(a.limit(), 128);
  feed(a, t, 1, microseconds(40000), 128);  // the cut halved the latency: it was queueing
  EXPECT_DOUBLE_EQ(a.min_rtt_us(), 20000);
  EXPECT_EQ(a.limit(), 112);  // half the way to 128 x 30 / 40
}

// Healthy at 20 ms, then the service slows to 80 ms and a cut shows it. Returns the time.
Clock::time_point slowed(AdaptiveLimit& a, Clock::time_point t) {
  t = probe(a, t, microseconds(20000));
  t = feed(a, t, 2, microseconds(80000), 60);
  EXPECT_DOUBLE_EQ(a.min_rtt_us(), 80000);
  EXPECT_EQ(a.limit(), 67);  // 60 x 90 / 80
  return t;
}

TEST(AdaptiveLimit, ABrownoutAllowsTheQueueingOfTheHealthyBaselineNotMore) {
  // Healthy at 20 ms: tolerance 1.5 allows 10 ms of queueing. The service slows to 80 ms:
  // 120 ms (1.5 x 80) would let the upstream queue 40 ms, which premium would wait behind; the
  // limit falls until only the healthy 10 ms are left.
  auto t = Clock::now();
  AdaptiveLimit a(settings(), 128, t);
  t = slowed(a, t);
  const auto after = a.limit();
  t = feed(a, t, 1, microseconds(120000), after);
  EXPECT_EQ(a.limit(), 59);                           // half the way from 67.5 to 67.5 x 90 / 120
  t = feed(a, t, 2, microseconds(90000), a.limit());  // 80 + 10 ms: where it may stay
  const auto settled = a.limit();
  feed(a, t, 5, microseconds(90000), settled);
  EXPECT_EQ(a.limit(), settled);
}

TEST(AdaptiveLimit, ALastingSlowdownBecomesTheBaselineAfterAMinute) {
  auto t = Clock::now();
  AdaptiveSettings s = settings();
  s.probe_interval_ms = 20000;
  AdaptiveLimit a(s, 128, t);
  t = slowed(a, t);
  // Still 80 ms at the next two probes (each runs within the window that finds it due), the
  // second past the minute: then 1.5 x 80 = 120 ms is within tolerance.
  for (int i = 0; i < 2; ++i) {
    t += std::chrono::seconds(35);
    t = feed(a, t, 1, microseconds(80000), 4);  // due: the probe starts
    ASSERT_TRUE(a.probing());
    t = probe(a, t, microseconds(80000));
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
  t = probe(a, t, microseconds(20000));
  t = feed(a, t, 4, microseconds(20000), 64);  // 800 ms
  EXPECT_FALSE(a.probing());
  feed(a, t, 1, microseconds(20000), 64);  // past the interval
  EXPECT_TRUE(a.probing());
}

// Premium is not held to the probe's limit while LITE is in flight: when the pool stays above
// it, the probe counts every answer after a while instead of waiting for ever.
TEST(AdaptiveLimit, AProbeAboveItsLimitCountsEveryAnswerAfterAWhile) {
  auto t = Clock::now();
  AdaptiveSettings s = settings();
  s.probe_interval_ms = 1000;
  AdaptiveLimit a(s, 64, t);
  t = probe(a, t, microseconds(20000));
  for (int w = 0; w < 10 && !a.probing(); ++w) t = feed(a, t, 1, microseconds(20000), 64);
  ASSERT_TRUE(a.probing());  // since t
  for (int i = 0; i < 16; ++i) a.record(microseconds(20000), 20, t + milliseconds(50));
  EXPECT_TRUE(a.probing());  // sent at 20 in flight, answered 50 ms in: not the probe's yet
  for (int i = 0; i < 16; ++i) a.record(microseconds(20000), 20, t + milliseconds(120));
  EXPECT_FALSE(a.probing());          // past 100 ms: these count
  EXPECT_GT(a.limit(), s.min_limit);  // resumed
}

// Requests go out every 500 us (2 per ms) and none answers: by Little's law the latency they
// are getting is what is awaited over the send rate.
TEST(AdaptiveLimit, TheBrakeStopsTheLimitWhereThePoolIsWhenAnswersStopComing) {
  auto t = Clock::now();
  AdaptiveLimit a(settings(), 128, t);
  t = probe(a, t, microseconds(20000)) + milliseconds(100);
  std::vector<smart_router::overload::AwaitedAnswer> out;
  std::int64_t braked_at = 0;
  for (std::int64_t i = 0; i < 100 && braked_at == 0; ++i) {
    out.push_back(a.sending(t + microseconds(500 * i), i));
    if (a.limit() < 128) braked_at = i;
  }
  // 30 ms (tolerance x min_rtt) of sends awaited: about 60, checked every 8th send.
  EXPECT_GE(braked_at, 56);
  EXPECT_LE(braked_at, 72);
  EXPECT_EQ(a.limit(), braked_at);
}

TEST(AdaptiveLimit, TheBrakeLeavesAPoolThatIsAnsweredOnTime) {
  auto t = Clock::now();
  AdaptiveLimit a(settings(), 128, t);
  t = probe(a, t, microseconds(20000)) + milliseconds(100);
  std::deque<smart_router::overload::AwaitedAnswer> out;
  for (std::int64_t i = 0; i < 400; ++i) {
    out.push_back(a.sending(t + microseconds(500 * i), static_cast<std::int64_t>(out.size())));
    if (out.size() > 40) out.pop_front();  // answered after 20 ms
  }
  EXPECT_EQ(a.limit(), 128);
}

TEST(AdaptiveLimit, TheBrakeLeavesAPoolAtItsLimit) {
  auto t = Clock::now();
  AdaptiveLimit a(settings(), 64, t);
  t = probe(a, t, microseconds(20000)) + milliseconds(100);
  std::vector<smart_router::overload::AwaitedAnswer> out;
  for (std::int64_t i = 0; i < 200; ++i) out.push_back(a.sending(t + microseconds(500 * i), 62));
  EXPECT_EQ(a.limit(), 64);  // the limit already holds it: braking at 62 would ratchet it down
}

}  // namespace
