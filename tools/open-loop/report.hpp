// What open-loop prints: a one-line JSON summary, and optionally a CSV of every request.
#pragma once

#include <string>
#include <vector>

#include "client.hpp"
#include "options.hpp"

namespace open_loop {

// {"sent","status":{"200":n,...,"timeout":n,"conn_error":n},
//  "latency_ms":{p50,p90,p99,p99.9,max} over every request that got an HTTP answer,
//  "ok_latency_ms":{...} over the 200s, "within_ms":{"50":share of sent answered 200 in 50 ms},
//  "pool":{...}, "buckets":[{"t_ms","sent","ok","p99_ms","max_ms"}] by scheduled send time}.
std::string summary_json(const std::vector<Outcome>& outcomes, const PoolStats& pool,
                         const Options& options);

// "sched_us,latency_us,status" lines (status: HTTP code, "timeout" or "conn_error"); false if
// the file cannot be written.
bool write_records(const std::string& path, const std::vector<Outcome>& outcomes);

}  // namespace open_loop
