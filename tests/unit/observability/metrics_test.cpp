#include "smart_router/observability/metrics.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "smart_router/observability/metric_names.hpp"

namespace {

namespace names = smart_router::observability::metric_names;
using smart_router::observability::Metrics;
using smart_router::observability::RequestCounterCache;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Sample lines of a metric: "NAME{...} v" or "NAME v" (suffix: "_bucket", "_sum", ...).
std::vector<std::string> samples(const std::string& text, const std::string& name,
                                 const std::string& suffix = "") {
  std::vector<std::string> out;
  const std::string full = name + suffix;
  for (const auto& line : lines_of(text))
    if (line.rfind(full + "{", 0) == 0 || line.rfind(full + " ", 0) == 0) out.push_back(line);
  return out;
}

int count_lines_starting(const std::string& text, const std::string& prefix) {
  int n = 0;
  for (const auto& line : lines_of(text)) n += line.rfind(prefix, 0) == 0 ? 1 : 0;
  return n;
}

// The sample line holding every label pair given, or "" when there is none.
std::string find_sample(const std::string& text, const std::string& name,
                        const std::vector<std::string>& label_pairs,
                        const std::string& suffix = "") {
  for (const auto& line : samples(text, name, suffix)) {
    bool all = true;
    for (const auto& pair : label_pairs) all = all && line.find(pair) != std::string::npos;
    if (all) return line;
  }
  return {};
}

double value_of(const std::string& sample_line) {
  const auto space = sample_line.rfind(' ');
  return std::stod(sample_line.substr(space + 1));
}

std::int64_t steady_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Every family with at least one child, as a running router has them.
void populate(Metrics& m) {
  auto& t = m.tier("shared");
  t.duration_summary.observe(0.020, steady_seconds());
  m.duration("shared", "LITE").observe(0.020);
  t.in_flight->Increment();
  m.requests("shared", "LITE", "by-tier", 200).Increment();
  m.budget_exceeded("shared", "LITE").Increment();
  m.shed("LITE").Increment();
  m.rate_limited("LITE", "client").Increment();
  m.retries("shared").Increment();
  m.upstream_requests("shared", "127.0.0.1:9001", "success").Increment();
  m.upstream_healthy("shared", "127.0.0.1:9001").Set(1);
  m.upstream_ejected("shared", "127.0.0.1:9001").Set(0);
  m.config_reloads(true).Increment();
  m.active_connections().Set(3);
}

TEST(Metrics, EveryContractMetricIsExposedWithItsType) {
  Metrics m;
  populate(m);
  const std::string text = m.serialize();
  const std::map<std::string, std::string> contract = {
      {names::kHttpRequestsTotal, "counter"},
      {names::kHttpRequestDurationSeconds, "summary"},
      {names::kRequestDurationSeconds, "histogram"},
      {names::kResponseTimeMs, "gauge"},
      {names::kUpstreamHealthy, "gauge"},
      {names::kUpstreamRequestsTotal, "counter"},
      {names::kShedTotal, "counter"},
      {names::kBudgetExceededTotal, "counter"},
      {names::kRetriesTotal, "counter"},
      {names::kConfigReloadsTotal, "counter"},
      {names::kActiveConnections, "gauge"},
      {names::kInFlightRequests, "gauge"},
      {names::kRateLimitedTotal, "counter"},
  };
  for (const auto& [name, type] : contract) {
    SCOPED_TRACE(name);
    EXPECT_EQ(count_lines_starting(text, "# TYPE " + name + " "), 1) << text;
    EXPECT_EQ(count_lines_starting(text, "# TYPE " + name + " " + type), 1);
    const std::string first_suffix = type == "histogram" ? "_bucket" : "";
    EXPECT_FALSE(samples(text, name, first_suffix).empty());
  }
}

TEST(Metrics, ContractNamesAreTheContractsSpelling) {
  // metric_names.hpp is the single list; the alert rules use these names verbatim.
  EXPECT_STREQ(names::kHttpRequestsTotal, "http_requests_total");
  EXPECT_STREQ(names::kHttpRequestDurationSeconds, "http_request_duration_seconds");
  EXPECT_STREQ(names::kRequestDurationSeconds, "smart_router_request_duration_seconds");
  EXPECT_STREQ(names::kResponseTimeMs, "response_time_ms");
  EXPECT_STREQ(names::kUpstreamHealthy, "smart_router_upstream_healthy");
  EXPECT_STREQ(names::kUpstreamRequestsTotal, "smart_router_upstream_requests_total");
  EXPECT_STREQ(names::kShedTotal, "smart_router_shed_total");
  EXPECT_STREQ(names::kBudgetExceededTotal, "smart_router_budget_exceeded_total");
  EXPECT_STREQ(names::kRetriesTotal, "smart_router_retries_total");
  EXPECT_STREQ(names::kConfigReloadsTotal, "smart_router_config_reloads_total");
  EXPECT_STREQ(names::kActiveConnections, "smart_router_active_connections");
  EXPECT_STREQ(names::kInFlightRequests, "smart_router_in_flight_requests");
  EXPECT_STREQ(names::kRateLimitedTotal, "smart_router_rate_limited_total");
}

TEST(Metrics, ContractLabels) {
  Metrics m;
  populate(m);
  const std::string text = m.serialize();
  EXPECT_NE(
      find_sample(text, names::kHttpRequestsTotal,
                  {"tier=\"shared\"", "user_tier=\"LITE\"", "route=\"by-tier\"", "status=\"200\""}),
      "");
  EXPECT_NE(
      find_sample(text, names::kBudgetExceededTotal, {"tier=\"shared\"", "user_tier=\"LITE\""}),
      "");
  EXPECT_NE(find_sample(text, names::kShedTotal, {"user_tier=\"LITE\""}), "");
  EXPECT_NE(find_sample(text, names::kRateLimitedTotal, {"user_tier=\"LITE\"", "scope=\"client\""}),
            "");
  EXPECT_NE(find_sample(text, names::kRetriesTotal, {"pool=\"shared\""}), "");
  EXPECT_NE(find_sample(text, names::kUpstreamRequestsTotal,
                        {"pool=\"shared\"", "endpoint=\"127.0.0.1:9001\"", "outcome=\"success\""}),
            "");
  EXPECT_NE(find_sample(text, names::kUpstreamHealthy,
                        {"pool=\"shared\"", "endpoint=\"127.0.0.1:9001\""}),
            "");
  EXPECT_NE(find_sample(text, names::kInFlightRequests, {"tier=\"shared\""}), "");
  EXPECT_NE(find_sample(text, names::kResponseTimeMs, {"tier=\"shared\""}), "");
  EXPECT_NE(find_sample(text, names::kRequestDurationSeconds, {"tier=\"shared\""}, "_bucket"), "");
  EXPECT_NE(find_sample(text, names::kConfigReloadsTotal, {"result=\"success\""}), "");
}

TEST(Metrics, SummaryHasTheContractsQuantiles) {
  Metrics m;
  auto& t = m.tier("premium");
  const auto now = steady_seconds();
  for (int i = 1; i <= 100; ++i) t.duration_summary.observe(i / 1000.0, now);
  const std::string text = m.serialize();
  for (const char* q : {"0.5", "0.9", "0.95", "0.99"}) {
    const std::string line =
        find_sample(text, names::kHttpRequestDurationSeconds,
                    {"tier=\"premium\"", std::string("quantile=\"") + q + "\""});
    ASSERT_NE(line, "") << q << "\n" << text;
  }
  const std::string p99 = find_sample(text, names::kHttpRequestDurationSeconds,
                                      {"tier=\"premium\"", "quantile=\"0.99\""});
  // Observed 1..100 ms: the 0.99 quantile is about 99 ms (within a few percent).
  EXPECT_NEAR(value_of(p99), 0.099, 0.099 * 0.05);
  const std::string p50 = find_sample(text, names::kHttpRequestDurationSeconds,
                                      {"tier=\"premium\"", "quantile=\"0.5\""});
  EXPECT_NEAR(value_of(p50), 0.050, 0.050 * 0.05);
  const std::string count =
      find_sample(text, names::kHttpRequestDurationSeconds, {"tier=\"premium\""}, "_count");
  ASSERT_NE(count, "");
  EXPECT_EQ(value_of(count), 100.0);
}

TEST(Metrics, HistogramCountsObservations) {
  Metrics m;
  auto& h = m.duration("shared", "LITE");
  h.observe(0.004);
  h.observe(0.2);
  h.observe(3.0);
  const std::string text = m.serialize();
  // le is "less than or equal": 0.005 holds 0.004; 0.25 holds it and 0.2; 2.5 not 3.0.
  for (const auto& [le, n] : {std::pair{"0.001", 0.0}, std::pair{"0.005", 1.0},
                              std::pair{"0.25", 2.0}, std::pair{"2.5", 2.0}, std::pair{"5", 3.0}}) {
    const std::string bucket =
        find_sample(text, names::kRequestDurationSeconds,
                    {"tier=\"shared\"", std::string("le=\"") + le + "\""}, "_bucket");
    ASSERT_NE(bucket, "") << le << "\n" << text;
    EXPECT_EQ(value_of(bucket), n) << le;
  }
  const std::string sum =
      find_sample(text, names::kRequestDurationSeconds, {"tier=\"shared\""}, "_sum");
  ASSERT_NE(sum, "");
  EXPECT_NEAR(value_of(sum), 3.204, 1e-6);
  const std::string inf =
      find_sample(text, names::kRequestDurationSeconds,
                  {"tier=\"shared\"", "user_tier=\"LITE\"", "le=\"+Inf\""}, "_bucket");
  ASSERT_NE(inf, "") << text;
  EXPECT_EQ(value_of(inf), 3.0);
  const std::string count =
      find_sample(text, names::kRequestDurationSeconds, {"tier=\"shared\""}, "_count");
  ASSERT_NE(count, "");
  EXPECT_EQ(value_of(count), 3.0);
}

TEST(Metrics, ResponseTimeMsIsTheRollingMeanAtScrapeTime) {
  Metrics m;
  auto& t = m.tier("shared");
  const auto now = steady_seconds();
  // The request path feeds the rolling mean in microseconds (two requests: 40 ms and 60 ms);
  // the gauge is in milliseconds, as its name says.
  t.rolling_ms.add(now, 40'000);
  t.rolling_ms.add(now, 60'000);
  const std::string text = m.serialize();
  const std::string line = find_sample(text, names::kResponseTimeMs, {"tier=\"shared\""});
  ASSERT_NE(line, "") << text;
  EXPECT_DOUBLE_EQ(value_of(line), 50.0);
}

TEST(Metrics, TierMetricsAreStablePerName) {
  Metrics m;
  auto& a = m.tier("shared");
  auto& b = m.tier("shared");
  auto& c = m.tier("premium");
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
  EXPECT_NE(&a.duration_summary, &c.duration_summary);
  EXPECT_NE(a.in_flight, c.in_flight);
}

TEST(Metrics, RequestCountersAreDistinctPerLabelSet) {
  Metrics m;
  auto& ok = m.requests("shared", "LITE", "r", 200);
  auto& ok_again = m.requests("shared", "LITE", "r", 200);
  auto& not_found = m.requests("shared", "LITE", "r", 404);
  auto& pro = m.requests("shared", "PRO", "r", 200);
  EXPECT_EQ(&ok, &ok_again);
  EXPECT_NE(&ok, &not_found);
  EXPECT_NE(&ok, &pro);
  ok.Increment();
  ok_again.Increment();
  not_found.Increment();
  const std::string text = m.serialize();
  EXPECT_EQ(value_of(find_sample(text, names::kHttpRequestsTotal,
                                 {"user_tier=\"LITE\"", "status=\"200\""})),
            2.0);
  EXPECT_EQ(value_of(find_sample(text, names::kHttpRequestsTotal,
                                 {"user_tier=\"LITE\"", "status=\"404\""})),
            1.0);
}

TEST(Metrics, ConfigReloadFailuresAreCounted) {
  Metrics m;
  m.config_reloads(false).Increment();
  m.config_reloads(false).Increment();
  const std::string text = m.serialize();
  const std::string failure = find_sample(text, names::kConfigReloadsTotal, {"result=\"failure\""});
  ASSERT_NE(failure, "") << text;
  EXPECT_EQ(value_of(failure), 2.0);
}

TEST(RequestCounterCache, SameLabelStringsGiveTheSameCounter) {
  Metrics m;
  RequestCounterCache cache;
  const std::string tier = "shared";
  const std::string user_tier = "LITE";
  const std::string route = "by-tier";
  auto& a = cache.get(m, tier, user_tier, route, 200);
  auto& b = cache.get(m, tier, user_tier, route, 200);
  EXPECT_EQ(&a, &b);
  EXPECT_EQ(&a, &m.requests("shared", "LITE", "by-tier", 200));  // the registry's child
  EXPECT_NE(&a, &cache.get(m, tier, user_tier, route, 503));
}

TEST(RequestCounterCache, DifferentLabelsGiveDifferentCounters) {
  Metrics m;
  RequestCounterCache cache;
  const std::string shared = "shared";
  const std::string premium = "premium";
  const std::string lite = "LITE";
  const std::string elite = "ELITE";
  const std::string r1 = "r1";
  const std::string r2 = "r2";
  auto& base = cache.get(m, shared, lite, r1, 200);
  EXPECT_NE(&base, &cache.get(m, premium, lite, r1, 200));
  EXPECT_NE(&base, &cache.get(m, shared, elite, r1, 200));
  EXPECT_NE(&base, &cache.get(m, shared, lite, r2, 200));
  // Swapped roles are other labels, not the same key.
  EXPECT_NE(&cache.get(m, r1, r2, shared, 200), &cache.get(m, r2, r1, shared, 200));
}

TEST(RequestCounterCache, IncrementsShowInTheExposition) {
  Metrics m;
  RequestCounterCache cache;
  const std::string tier = "premium";
  const std::string user_tier = "ELITE";
  const std::string route = "premium-paths";
  for (int i = 0; i < 3; ++i) cache.get(m, tier, user_tier, route, 200).Increment();
  cache.clear();
  cache.get(m, tier, user_tier, route, 200).Increment();  // after clear: still the same series
  const std::string text = m.serialize();
  const std::string line = find_sample(
      text, names::kHttpRequestsTotal,
      {"tier=\"premium\"", "user_tier=\"ELITE\"", "route=\"premium-paths\"", "status=\"200\""});
  ASSERT_NE(line, "") << text;
  EXPECT_EQ(value_of(line), 4.0);
}

}  // namespace
