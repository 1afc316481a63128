#include "smart_router/observability/windowed_quantiles.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <memory>

namespace {

using smart_router::observability::CachedQuantile;
using smart_router::observability::WindowedQuantiles;

constexpr std::int64_t kT = 100'000;  // a slice boundary (multiple of 10 s)
constexpr double kRelErr = 0.03;      // the header's promise: error under 3%

// WindowedQuantiles is large (6 slices of ~2k atomics): keep it off the stack.
std::unique_ptr<WindowedQuantiles> make() {
  return std::make_unique<WindowedQuantiles>();
}

TEST(WindowedQuantiles, EmptyIsZero) {
  auto w = make();
  EXPECT_EQ(w->quantile(0.5, kT), 0.0);
  EXPECT_EQ(w->quantile(0.99, kT), 0.0);
  EXPECT_EQ(w->count(), 0u);
  EXPECT_EQ(w->sum(), 0.0);
}

TEST(CachedQuantile, RecomputedAtMostOnceASecond) {
  auto w = make();
  CachedQuantile p95(0.95);
  EXPECT_EQ(p95.get(*w, kT), 0.0);  // nothing observed
  w->observe(0.040, kT);
  EXPECT_EQ(p95.get(*w, kT), 0.0);  // the same second: the value it had
  EXPECT_NEAR(p95.get(*w, kT + 1), 0.040, 0.040 * kRelErr);
  w->observe(0.001, kT + 1);
  EXPECT_NEAR(p95.get(*w, kT + 1), 0.040, 0.040 * kRelErr);
}

TEST(WindowedQuantiles, SingleValue) {
  auto w = make();
  w->observe(0.020, kT);
  for (double q : {0.5, 0.9, 0.99}) EXPECT_NEAR(w->quantile(q, kT), 0.020, 0.020 * kRelErr) << q;
}

TEST(WindowedQuantiles, UniformOneToThousandMs) {
  auto w = make();
  for (int ms = 1; ms <= 1000; ++ms) w->observe(ms / 1000.0, kT + ms % 10);
  const auto now = kT + 9;
  EXPECT_NEAR(w->quantile(0.5, now), 0.500, 0.500 * kRelErr);
  EXPECT_NEAR(w->quantile(0.9, now), 0.900, 0.900 * kRelErr);
  EXPECT_NEAR(w->quantile(0.95, now), 0.950, 0.950 * kRelErr);
  EXPECT_NEAR(w->quantile(0.99, now), 0.990, 0.990 * kRelErr);
}

TEST(WindowedQuantiles, TailIsSeen) {
  // 98 fast requests and 2 slow ones: p99 is slow, p50 fast.
  auto w = make();
  for (int i = 0; i < 98; ++i) w->observe(0.005, kT);
  w->observe(2.0, kT);
  w->observe(2.0, kT);
  EXPECT_NEAR(w->quantile(0.99, kT), 2.0, 2.0 * kRelErr);
  EXPECT_NEAR(w->quantile(0.5, kT), 0.005, 0.005 * kRelErr);
}

TEST(WindowedQuantiles, QuantilesAreOrdered) {
  auto w = make();
  for (int i = 1; i <= 500; ++i) w->observe(i * i / 1e5, kT);
  double prev = 0;
  for (double q : {0.1, 0.5, 0.9, 0.95, 0.99, 1.0}) {
    const double v = w->quantile(q, kT);
    EXPECT_GE(v, prev) << q;
    prev = v;
  }
}

TEST(WindowedQuantiles, CountAndSumAreCumulative) {
  auto w = make();
  w->observe(0.25, kT);
  w->observe(0.5, kT);
  w->observe(1.0, kT + 1000);  // long after: count and sum never forget (Prometheus counters)
  EXPECT_EQ(w->count(), 3u);
  EXPECT_NEAR(w->sum(), 1.75, 1e-6);
}

TEST(WindowedQuantiles, ObservationsLeaveAfterSixtySeconds) {
  auto w = make();
  w->observe(1.0, kT);
  EXPECT_NEAR(w->quantile(0.5, kT + 59), 1.0, kRelErr);  // 59 s old: in the window
  EXPECT_EQ(w->quantile(0.5, kT + 60), 0.0);             // 60 s old: out
  EXPECT_EQ(w->quantile(0.5, kT + 600), 0.0);
}

TEST(WindowedQuantiles, NeverLongerThanSixtySeconds) {
  // Whatever the slicing, nothing older than 60 s may count: an observation made at any
  // second of a slice is gone 60 s later.
  for (std::int64_t offset = 0; offset < 10; ++offset) {
    auto w = make();
    w->observe(1.0, kT + offset);
    EXPECT_EQ(w->quantile(0.5, kT + offset + 60), 0.0) << offset;
  }
}

TEST(WindowedQuantiles, OldSlowValuesDoNotPolluteANewWindow) {
  auto w = make();
  for (int i = 0; i < 100; ++i) w->observe(5.0, kT);
  for (int i = 0; i < 100; ++i) w->observe(0.010, kT + 70);
  EXPECT_NEAR(w->quantile(0.99, kT + 70), 0.010, 0.010 * kRelErr);
}

TEST(WindowedQuantiles, ReusedSliceIsReset) {
  // Exactly one ring turn later the same slice is reused: its old counts must be gone.
  auto w = make();
  for (int i = 0; i < 100; ++i) w->observe(5.0, kT);
  w->observe(0.010, kT + 60);
  EXPECT_NEAR(w->quantile(0.99, kT + 60), 0.010, 0.010 * kRelErr);
  EXPECT_NEAR(w->quantile(0.5, kT + 60), 0.010, 0.010 * kRelErr);
}

TEST(WindowedQuantiles, ValuesFromTheFutureAreIgnored) {
  auto w = make();
  w->observe(0.5, kT + 10);
  EXPECT_EQ(w->quantile(0.5, kT), 0.0);
}

TEST(WindowedQuantiles, ZeroAndNegativeDurationsCountAsZero) {
  auto w = make();
  w->observe(0.0, kT);
  w->observe(-1.0, kT);
  EXPECT_EQ(w->count(), 2u);
  EXPECT_LT(w->quantile(0.99, kT), 1e-6);
  EXPECT_EQ(w->sum(), 0.0);
}

TEST(WindowedQuantiles, VeryLongRequest) {
  auto w = make();
  w->observe(3600.0, kT);
  EXPECT_NEAR(w->quantile(0.5, kT), 3600.0, 3600.0 * kRelErr);
}

TEST(WindowedQuantilesBuckets, SmallValuesAreExact) {
  for (std::uint64_t us = 0; us < 32; ++us)
    EXPECT_EQ(WindowedQuantiles::bucket_value_us(WindowedQuantiles::bucket_of(us)),
              static_cast<double>(us))
        << us;
}

TEST(WindowedQuantilesBuckets, RelativeErrorIsBounded) {
  for (std::uint64_t us = 32; us < 5'000'000; us = us + 1 + us / 97) {
    const double v = WindowedQuantiles::bucket_value_us(WindowedQuantiles::bucket_of(us));
    EXPECT_NEAR(v, static_cast<double>(us), static_cast<double>(us) * kRelErr) << us;
  }
}

TEST(WindowedQuantilesBuckets, MonotonicAndInRange) {
  std::size_t prev = 0;
  for (std::uint64_t us = 0; us < 2'000'000; us += 7) {
    const auto b = WindowedQuantiles::bucket_of(us);
    EXPECT_GE(b, prev) << us;
    prev = b;
  }
  EXPECT_LT(WindowedQuantiles::bucket_of(std::numeric_limits<std::uint64_t>::max()),
            WindowedQuantiles::kBuckets);
  EXPECT_LT(WindowedQuantiles::bucket_of(1ULL << 63), WindowedQuantiles::kBuckets);
}

}  // namespace
