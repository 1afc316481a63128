#include "smart_router/upstream/upstream_pool.hpp"

#include <gtest/gtest.h>

#include <boost/system/system_error.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

using smart_router::config::LoadBalancing;
using smart_router::config::Pool;
using smart_router::upstream::ActiveHealth;
using smart_router::upstream::Endpoint;
using smart_router::upstream::EndpointFailure;
using smart_router::upstream::EndpointRegistry;
using smart_router::upstream::UpstreamPool;

constexpr std::int64_t kNow = 1'000'000;
constexpr auto kFail = EndpointFailure::connect_failure;

Pool pool_config(std::uint32_t consecutive_failures = 3, std::uint32_t ejection_ms = 1000,
                 std::uint32_t max_ejection_percent = 100) {
  Pool cfg;
  cfg.name = "shared";
  cfg.load_balancing = LoadBalancing::round_robin;
  cfg.outlier_detection.consecutive_failures = consecutive_failures;
  cfg.outlier_detection.ejection_ms = ejection_ms;
  cfg.outlier_detection.max_ejection_percent = max_ejection_percent;
  return cfg;
}

std::vector<std::shared_ptr<Endpoint>> endpoints(int n) {
  std::vector<std::shared_ptr<Endpoint>> eps;
  for (int i = 0; i < n; ++i)
    eps.push_back(std::make_shared<Endpoint>("shared", "127.0.0.1:" + std::to_string(9001 + i)));
  return eps;
}

// The endpoint pick() chose, or nullptr.
Endpoint* pick_ep(const UpstreamPool& pool, std::span<Endpoint* const> exclude,
                  std::int64_t now_ms) {
  const auto i = pool.pick(exclude, now_ms);
  return i ? pool.endpoints()[*i].get() : nullptr;
}

// How often each endpoint is picked in `rounds` picks.
std::map<Endpoint*, int> pick_counts(const UpstreamPool& pool, std::span<Endpoint* const> exclude,
                                     std::int64_t now_ms, int rounds = 60) {
  std::map<Endpoint*, int> counts;
  for (int i = 0; i < rounds; ++i) ++counts[pick_ep(pool, exclude, now_ms)];
  return counts;
}

void fail_times(const UpstreamPool& pool, Endpoint& ep, int n, std::int64_t now_ms) {
  for (int i = 0; i < n; ++i) pool.report_failure(ep, kFail, now_ms);
}

std::size_t ejected_count(const std::vector<std::shared_ptr<Endpoint>>& eps, std::int64_t now) {
  std::size_t n = 0;
  for (const auto& ep : eps) n += ep->ejected(now) ? 1 : 0;
  return n;
}

TEST(UpstreamPoolPick, UsesEveryRoutableEndpoint) {
  const auto eps = endpoints(3);
  const UpstreamPool pool(pool_config(), eps);
  const auto counts = pick_counts(pool, {}, kNow);
  EXPECT_EQ(counts.size(), 3u);
  EXPECT_EQ(counts.count(nullptr), 0u);
}

TEST(UpstreamPoolPick, SkipsActivelyUnhealthyEndpoints) {
  const auto eps = endpoints(3);
  eps[0]->set_active_health(ActiveHealth::unhealthy);
  eps[2]->set_active_health(ActiveHealth::unhealthy);
  const UpstreamPool pool(pool_config(), eps);
  const auto counts = pick_counts(pool, {}, kNow);
  ASSERT_EQ(counts.size(), 1u);
  EXPECT_EQ(counts.begin()->first, eps[1].get());
}

TEST(UpstreamPoolPick, SkipsEjectedEndpointsUntilTheEjectionEnds) {
  const auto eps = endpoints(2);
  eps[0]->eject_until(kNow + 500);
  const UpstreamPool pool(pool_config(), eps);
  const auto during = pick_counts(pool, {}, kNow + 499);
  ASSERT_EQ(during.size(), 1u);
  EXPECT_EQ(during.begin()->first, eps[1].get());
  EXPECT_EQ(pick_counts(pool, {}, kNow + 500).size(), 2u);
}

TEST(UpstreamPoolPick, SkipsExcludedEndpoints) {
  const auto eps = endpoints(3);
  const UpstreamPool pool(pool_config(), eps);
  Endpoint* const exclude[] = {eps[0].get(), eps[1].get()};
  const auto counts = pick_counts(pool, exclude, kNow);
  ASSERT_EQ(counts.size(), 1u);
  EXPECT_EQ(counts.begin()->first, eps[2].get());
}

TEST(UpstreamPoolPick, NullptrWhenNothingIsLeft) {
  const auto eps = endpoints(3);
  const UpstreamPool pool(pool_config(), eps);
  Endpoint* const all[] = {eps[0].get(), eps[1].get(), eps[2].get()};
  EXPECT_EQ(pick_ep(pool, all, kNow), nullptr);

  eps[0]->set_active_health(ActiveHealth::unhealthy);
  eps[1]->eject_until(kNow + 1);
  Endpoint* const last[] = {eps[2].get()};
  EXPECT_EQ(pick_ep(pool, last, kNow), nullptr);
  EXPECT_EQ(pick_ep(pool, {}, kNow), eps[2].get());

  const UpstreamPool empty(pool_config(), {});
  EXPECT_EQ(pick_ep(empty, {}, kNow), nullptr);
}

TEST(UpstreamPoolPick, ManyEndpoints) {
  // More endpoints than fit a small fixed buffer; the last one must still be reachable.
  const auto eps = endpoints(100);
  for (std::size_t i = 0; i + 1 < eps.size(); ++i)
    eps[i]->set_active_health(ActiveHealth::unhealthy);
  const UpstreamPool pool(pool_config(), eps);
  EXPECT_EQ(pick_ep(pool, {}, kNow), eps.back().get());
  eps[50]->set_active_health(ActiveHealth::healthy);
  EXPECT_EQ(pick_counts(pool, {}, kNow, 20).size(), 2u);
}

TEST(OutlierDetection, ConsecutiveFailuresEject) {
  const auto eps = endpoints(2);
  const UpstreamPool pool(pool_config(3, 1000, 100), eps);
  EXPECT_FALSE(pool.report_failure(*eps[0], kFail, kNow));
  EXPECT_FALSE(pool.report_failure(*eps[0], kFail, kNow));
  EXPECT_FALSE(eps[0]->ejected(kNow));
  EXPECT_TRUE(pool.report_failure(*eps[0], kFail, kNow));
  EXPECT_TRUE(eps[0]->ejected(kNow));
  EXPECT_EQ(pick_counts(pool, {}, kNow).size(), 1u);
  EXPECT_EQ(pick_ep(pool, {}, kNow), eps[1].get());
}

TEST(OutlierDetection, EjectionExpiresAfterEjectionMs) {
  const auto eps = endpoints(2);
  const UpstreamPool pool(pool_config(2, 30000, 100), eps);
  fail_times(pool, *eps[0], 2, kNow);
  EXPECT_TRUE(eps[0]->ejected(kNow + 29999));
  EXPECT_FALSE(eps[0]->ejected(kNow + 30000));
  EXPECT_EQ(pick_counts(pool, {}, kNow + 30000).size(), 2u);
}

TEST(OutlierDetection, AfterAnEjectionCountingStartsAfresh) {
  const auto eps = endpoints(2);
  const UpstreamPool pool(pool_config(3, 1000, 100), eps);
  fail_times(pool, *eps[0], 3, kNow);
  ASSERT_TRUE(eps[0]->ejected(kNow));
  const auto later = kNow + 1000;
  ASSERT_FALSE(eps[0]->ejected(later));
  // One failure after coming back is not three in a row.
  EXPECT_FALSE(pool.report_failure(*eps[0], kFail, later));
  EXPECT_FALSE(eps[0]->ejected(later));
}

TEST(OutlierDetection, SuccessResetsTheCount) {
  const auto eps = endpoints(2);
  const UpstreamPool pool(pool_config(3, 1000, 100), eps);
  fail_times(pool, *eps[0], 2, kNow);
  pool.report_success(*eps[0]);
  fail_times(pool, *eps[0], 2, kNow);
  EXPECT_FALSE(eps[0]->ejected(kNow));
  EXPECT_TRUE(pool.report_failure(*eps[0], kFail, kNow));
  EXPECT_TRUE(eps[0]->ejected(kNow));
}

TEST(OutlierDetection, FailuresOfOtherEndpointsDoNotAddUp) {
  const auto eps = endpoints(3);
  const UpstreamPool pool(pool_config(3, 1000, 100), eps);
  fail_times(pool, *eps[0], 2, kNow);
  fail_times(pool, *eps[1], 2, kNow);
  fail_times(pool, *eps[2], 2, kNow);
  EXPECT_EQ(ejected_count(eps, kNow), 0u);
}

TEST(OutlierDetection, ZeroConsecutiveFailuresDisablesIt) {
  const auto eps = endpoints(2);
  const UpstreamPool pool(pool_config(0, 1000, 100), eps);
  fail_times(pool, *eps[0], 50, kNow);
  EXPECT_FALSE(eps[0]->ejected(kNow));
}

TEST(OutlierDetection, MaxEjectionPercentCapsEjections) {
  const auto eps = endpoints(4);
  const UpstreamPool pool(pool_config(2, 1000, 50), eps);
  for (const auto& ep : eps) fail_times(pool, *ep, 2, kNow);
  EXPECT_EQ(ejected_count(eps, kNow), 2u);  // 50% of 4
  // Further failures of the refused ones still do not pass the cap.
  for (const auto& ep : eps) fail_times(pool, *ep, 5, kNow);
  EXPECT_EQ(ejected_count(eps, kNow), 2u);
  EXPECT_EQ(pick_counts(pool, {}, kNow).size(), 2u);
}

TEST(OutlierDetection, HalfOfTwoIsOne) {
  const auto eps = endpoints(2);
  const UpstreamPool pool(pool_config(2, 1000, 50), eps);
  fail_times(pool, *eps[0], 2, kNow);
  EXPECT_TRUE(eps[0]->ejected(kNow));
  EXPECT_FALSE(pool.report_failure(*eps[1], kFail, kNow));
  EXPECT_FALSE(pool.report_failure(*eps[1], kFail, kNow));
  EXPECT_FALSE(eps[1]->ejected(kNow));
  EXPECT_NE(pick_ep(pool, {}, kNow), nullptr);
}

TEST(OutlierDetection, CapNeverRoundsUpPastThePercent) {
  // 50% of 3 is 1.5: ejecting 2 of 3 (67%) would exceed it.
  const auto eps = endpoints(3);
  const UpstreamPool pool(pool_config(1, 1000, 50), eps);
  for (const auto& ep : eps) pool.report_failure(*ep, kFail, kNow);
  EXPECT_EQ(ejected_count(eps, kNow), 1u);
}

TEST(OutlierDetection, ZeroPercentNeverEjects) {
  const auto eps = endpoints(4);
  const UpstreamPool pool(pool_config(1, 1000, 0), eps);
  for (const auto& ep : eps) fail_times(pool, *ep, 3, kNow);
  EXPECT_EQ(ejected_count(eps, kNow), 0u);
}

TEST(OutlierDetection, ExpiredEjectionsDoNotCountTowardTheCap) {
  const auto eps = endpoints(2);
  const UpstreamPool pool(pool_config(2, 1000, 50), eps);
  fail_times(pool, *eps[0], 2, kNow);
  ASSERT_TRUE(eps[0]->ejected(kNow));
  fail_times(pool, *eps[1], 2, kNow + 1000);  // eps[0] is back by now
  EXPECT_TRUE(eps[1]->ejected(kNow + 1000));
  EXPECT_FALSE(eps[0]->ejected(kNow + 1000));
}

TEST(OutlierDetection, FailureWhileEjectedDoesNotExtendTheEjection) {
  const auto eps = endpoints(2);
  const UpstreamPool pool(pool_config(1, 1000, 100), eps);
  EXPECT_TRUE(pool.report_failure(*eps[0], kFail, kNow));
  // A request that was already in flight fails later.
  EXPECT_FALSE(pool.report_failure(*eps[0], kFail, kNow + 900));
  EXPECT_FALSE(eps[0]->ejected(kNow + 1000));
}

TEST(OutlierDetection, ALoneEndpointIsNeverEjected) {
  // max_ejection_percent rounds down: 50% of one endpoint is none.
  const auto eps = endpoints(1);
  const UpstreamPool pool(pool_config(2, 1000, 50), eps);
  fail_times(pool, *eps[0], 10, kNow);
  EXPECT_FALSE(eps[0]->ejected(kNow));
  EXPECT_EQ(pick_ep(pool, {}, kNow), eps[0].get());
}

TEST(OutlierDetection, NoEjectionWhenEveryPeerFailsAlike) {
  // An overloaded pool fails everywhere: halving its capacity would not help.
  const auto eps = endpoints(2);
  const UpstreamPool pool(pool_config(3, 1000, 50), eps);
  fail_times(pool, *eps[1], 3, kNow);  // eps[0] has no failures yet: eps[1] is the outlier
  ASSERT_TRUE(eps[1]->ejected(kNow));
  const auto later = kNow + 1000;
  for (int i = 0; i < 5; ++i) {
    pool.report_failure(*eps[0], kFail, later);
    pool.report_failure(*eps[1], kFail, later);
  }
  EXPECT_EQ(ejected_count(eps, later), 0u);
}

TEST(OutlierDetection, AFailingEndpointIsEjectedWhileItsPeerSucceeds) {
  const auto eps = endpoints(2);
  const UpstreamPool pool(pool_config(3, 1000, 50), eps);
  for (int i = 0; i < 3; ++i) {
    pool.report_success(*eps[0]);
    pool.report_failure(*eps[1], EndpointFailure::reset, kNow);
  }
  EXPECT_TRUE(eps[1]->ejected(kNow));
  EXPECT_EQ(eps[1]->ejections(), 1u);
  EXPECT_EQ(pick_counts(pool, {}, kNow).size(), 1u);
}

TEST(Panic, BelowTheThresholdEjectionsAreIgnored) {
  const auto eps = endpoints(4);
  const UpstreamPool pool(pool_config(1, 1000, 100), eps);
  eps[0]->eject_until(kNow + 1000);
  eps[1]->eject_until(kNow + 1000);
  EXPECT_FALSE(pool.in_panic(kNow));  // 2 of 4 left: 50% is not below 50%
  EXPECT_EQ(pick_counts(pool, {}, kNow).size(), 2u);
  eps[2]->eject_until(kNow + 1000);
  EXPECT_TRUE(pool.in_panic(kNow));  // 1 of 4 left
  EXPECT_EQ(pick_counts(pool, {}, kNow).size(), 4u);
  EXPECT_FALSE(pool.in_panic(kNow + 1000));
}

TEST(Panic, AWholePoolEjectedStillServes) {
  const auto eps = endpoints(2);
  const UpstreamPool pool(pool_config(1, 1000, 100), eps);
  for (const auto& ep : eps) ep->eject_until(kNow + 1000);
  EXPECT_TRUE(pool.in_panic(kNow));
  EXPECT_EQ(pick_counts(pool, {}, kNow).size(), 2u);
}

TEST(Panic, ActivelyUnhealthyEndpointsAreNeverPicked) {
  // Active checks are the router's own probes: panic ignores ejections, not failed checks.
  const auto eps = endpoints(3);
  const UpstreamPool pool(pool_config(1, 1000, 100), eps);
  eps[0]->set_active_health(ActiveHealth::unhealthy);
  eps[1]->eject_until(kNow + 1000);
  eps[2]->eject_until(kNow + 1000);
  const auto counts = pick_counts(pool, {}, kNow);
  EXPECT_EQ(counts.count(eps[0].get()), 0u);
  EXPECT_EQ(counts.size(), 2u);
  eps[1]->set_active_health(ActiveHealth::unhealthy);
  eps[2]->set_active_health(ActiveHealth::unhealthy);
  EXPECT_EQ(pick_ep(pool, {}, kNow), nullptr);
}

TEST(Panic, ThresholdZeroNeverPanics) {
  const auto eps = endpoints(2);
  auto cfg = pool_config(1, 1000, 100);
  cfg.outlier_detection.panic_threshold_percent = 0;
  const UpstreamPool pool(cfg, eps);
  for (const auto& ep : eps) ep->eject_until(kNow + 1000);
  EXPECT_FALSE(pool.in_panic(kNow));
  EXPECT_EQ(pick_ep(pool, {}, kNow), nullptr);
}

TEST(EjectionLog, EachEndIsAnnouncedOnce) {
  const auto eps = endpoints(2);
  const UpstreamPool pool(pool_config(1, 1000, 50), eps);
  ASSERT_TRUE(pool.report_failure(*eps[0], kFail, kNow));
  EXPECT_EQ(pool.announce_ended_ejections(kNow + 999), 0u);
  EXPECT_EQ(pool.announce_ended_ejections(kNow + 1000), 1u);
  EXPECT_EQ(pool.announce_ended_ejections(kNow + 2000), 0u);
}

TEST(HealthyCount, WithActiveChecksThoseThatPassedEjectedOrNot) {
  const auto eps = endpoints(4);
  auto cfg = pool_config();
  cfg.health_check.enabled = true;
  const UpstreamPool pool(cfg, eps);
  EXPECT_EQ(pool.healthy_count(), 0u);  // nothing checked yet
  eps[0]->set_active_health(ActiveHealth::healthy);
  eps[1]->set_active_health(ActiveHealth::healthy);
  eps[2]->set_active_health(ActiveHealth::unhealthy);
  EXPECT_EQ(pool.healthy_count(), 2u);
  eps[1]->eject_until(kNow + 10);
  EXPECT_EQ(pool.healthy_count(), 2u);  // an ejection follows traffic, not the checks
  EXPECT_EQ(pool.ejected_count(kNow), 1u);
  EXPECT_EQ(pool.ejected_count(kNow + 10), 0u);
}

TEST(HealthyCount, WithoutActiveChecksEveryEndpoint) {
  const auto eps = endpoints(3);
  auto cfg = pool_config();
  cfg.health_check.enabled = false;
  const UpstreamPool pool(cfg, eps);
  EXPECT_EQ(pool.healthy_count(), 3u);
  eps[2]->eject_until(kNow + 10);
  EXPECT_EQ(pool.healthy_count(), 3u);
  EXPECT_EQ(pool.ejected_count(kNow), 1u);
}

TEST(UpstreamPoolTls, PlainPoolHasNoTlsContext) {
  const UpstreamPool pool(pool_config(), endpoints(1));
  EXPECT_EQ(pool.tls_params().context, nullptr);
}

TEST(UpstreamPoolTls, TlsPoolCarriesContextSniAndVerify) {
  auto cfg = pool_config();
  cfg.tls.enabled = true;
  cfg.tls.sni = "api.internal.example";
  cfg.tls.verify = false;
  const UpstreamPool pool(cfg, endpoints(1));
  const auto tls = pool.tls_params();
  EXPECT_NE(tls.context, nullptr);
  EXPECT_EQ(tls.sni, "api.internal.example");
  EXPECT_FALSE(tls.verify);
}

TEST(UpstreamPoolTls, UnreadableCaFileThrows) {
  auto cfg = pool_config();
  cfg.tls.enabled = true;
  cfg.tls.ca_file = "/nonexistent/smart-router-test/ca.pem";
  EXPECT_THROW({ const UpstreamPool pool(cfg, endpoints(1)); }, boost::system::system_error);
}

TEST(EndpointRegistry, SameObjectWhileAliveAcrossPools) {
  EndpointRegistry reg;
  auto a = reg.get("shared", "127.0.0.1:9001");
  auto b = reg.get("shared", "127.0.0.1:9001");
  auto c = reg.get("premium", "127.0.0.1:9001");
  EXPECT_EQ(a.get(), b.get());
  EXPECT_NE(a.get(), c.get());
  a->set_active_health(ActiveHealth::unhealthy);
  EXPECT_EQ(reg.get("shared", "127.0.0.1:9001")->active_health(), ActiveHealth::unhealthy);
}

TEST(EndpointRegistry, ForgottenOnceNoPoolHoldsIt) {
  EndpointRegistry reg;
  {
    auto a = reg.get("shared", "127.0.0.1:9001");
    a->set_active_health(ActiveHealth::unhealthy);
  }
  EXPECT_EQ(reg.get("shared", "127.0.0.1:9001")->active_health(), ActiveHealth::unknown);
}

}  // namespace
