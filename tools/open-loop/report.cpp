#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

namespace open_loop {

namespace {

using ordered_json = nlohmann::ordered_json;

std::string status_name(int status) {
  if (status == kTimeout) return "timeout";
  if (status == kConnError) return "conn_error";
  return std::to_string(status);
}

double ms(std::int64_t us) {
  return std::round(static_cast<double>(us) / 10.0) / 100.0;  // 0.01 ms resolution
}

// Nearest-rank percentile of sorted values; q in [0, 100].
std::int64_t percentile(const std::vector<std::int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto rank =
      static_cast<std::size_t>(std::ceil(q / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

ordered_json percentiles(std::vector<std::int64_t> values) {
  if (values.empty()) return nullptr;
  std::sort(values.begin(), values.end());
  ordered_json j = ordered_json::object();
  j["p50"] = ms(percentile(values, 50));
  j["p90"] = ms(percentile(values, 90));
  j["p99"] = ms(percentile(values, 99));
  j["p99.9"] = ms(percentile(values, 99.9));
  j["max"] = ms(values.back());
  return j;
}

ordered_json buckets(const std::vector<Outcome>& outcomes, std::uint64_t bucket_ms) {
  const auto width_us = static_cast<std::int64_t>(bucket_ms) * 1000;
  std::map<std::int64_t, std::vector<const Outcome*>> by_bucket;
  for (const Outcome& o : outcomes) by_bucket[o.sched_us / width_us].push_back(&o);
  ordered_json out = ordered_json::array();
  for (const auto& [bucket, members] : by_bucket) {
    std::vector<std::int64_t> answered;
    std::size_t ok = 0;
    for (const Outcome* o : members) {
      if (o->status > 0) answered.push_back(o->latency_us);
      if (o->status == 200) ++ok;
    }
    std::sort(answered.begin(), answered.end());
    ordered_json b = ordered_json::object();
    b["t_ms"] = bucket * static_cast<std::int64_t>(bucket_ms);
    b["sent"] = members.size();
    b["ok"] = ok;
    b["p99_ms"] =
        answered.empty() ? ordered_json(nullptr) : ordered_json(ms(percentile(answered, 99)));
    b["max_ms"] = answered.empty() ? ordered_json(nullptr) : ordered_json(ms(answered.back()));
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace

std::string summary_json(const std::vector<Outcome>& outcomes, const PoolStats& pool,
                         const Options& options) {
  std::map<std::string, std::size_t> statuses;
  std::vector<std::int64_t> answered;
  std::vector<std::int64_t> ok;
  for (const Outcome& o : outcomes) {
    ++statuses[status_name(o.status)];
    if (o.status > 0) answered.push_back(o.latency_us);
    if (o.status == 200) ok.push_back(o.latency_us);
  }
  ordered_json j = ordered_json::object();
  j["sent"] = outcomes.size();
  j["status"] = statuses;
  j["latency_ms"] = percentiles(answered);
  j["ok_latency_ms"] = percentiles(ok);
  ordered_json within = ordered_json::object();
  for (const std::uint64_t limit : options.within_ms) {
    const auto limit_us = static_cast<std::int64_t>(limit) * 1000;
    const auto n =
        std::count_if(ok.begin(), ok.end(), [limit_us](std::int64_t v) { return v <= limit_us; });
    within[std::to_string(limit)] =
        outcomes.empty() ? 0.0 : static_cast<double>(n) / static_cast<double>(outcomes.size());
  }
  j["within_ms"] = within;
  j["pool"] = {{"connections_opened", pool.connections_opened},
               {"max_connections", pool.max_connections},
               {"waited_for_conn", pool.waited_for_conn},
               {"stale_retries", pool.stale_retries},
               {"max_send_lag_ms", ms(pool.max_send_lag_us)}};
  j["buckets"] = buckets(outcomes, options.bucket_ms);
  return j.dump();
}

bool write_records(const std::string& path, const std::vector<Outcome>& outcomes) {
  std::ofstream out{path, std::ios::trunc};
  out << "sched_us,latency_us,status\n";
  for (const Outcome& o : outcomes) {
    out << o.sched_us << ',' << o.latency_us << ',' << status_name(o.status) << '\n';
  }
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace open_loop
