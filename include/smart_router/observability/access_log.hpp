// One JSON object a line per request, to stdout, a file, or nowhere. Formatted straight into
// the batch that a thread of its own writes (BatchedLineWriter), so a slow disk never blocks a
// worker and a line costs no syscall and no copy.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace prometheus {
class Counter;
}

namespace smart_router::observability {

class BatchedLineWriter;

struct AccessRecord {
  std::string_view request_id;
  std::string_view trace_id;        // W3C trace context: the trace
  std::string_view span_id;         // the router's span in it
  std::string_view parent_span_id;  // the caller's span, "" when the trace started here
  std::string_view client_ip;
  std::string_view method;
  std::string_view target;
  unsigned status = 0;
  std::chrono::microseconds duration{};    // written as duration_ms, with three decimals
  std::chrono::microseconds queue_wait{};  // of duration, spent waiting for a slot of the pool
  // What the config fixes, rendered once per config snapshot (below), not once per line:
  std::string_view
      class_fields;              // access_log_field("tier", ..) + access_log_field("user_tier", ..)
  std::string_view route_field;  // access_log_field("route", ..)
  std::string_view upstream;     // endpoint address of the last attempt (host:port, validated), ""
  std::uint32_t attempts = 0;
  std::string_view hedge;  // how its hedging went ("won", "lost", "skipped"); "" when not hedged
  std::uint64_t bytes_sent = 0;
  std::string_view error;  // the router's error code, "" when the upstream answered
};

class AccessLog {
 public:
  // target: "stdout" | "off" | a file path. Throws std::runtime_error when a file can't be
  // opened. dropped counts the lines dropped when the target cannot keep up (may be null).
  explicit AccessLog(const std::string& target, prometheus::Counter* dropped = nullptr);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;
  bool enabled() const { return writer_ != nullptr; }
  void write(const AccessRecord& r);

 private:
  std::unique_ptr<BatchedLineWriter> writer_;
};

// `,"name":"value"` with the value escaped: a field a config snapshot renders once (a class's
// tier and user_tier, a route) for every line to copy.
std::string access_log_field(std::string_view name, std::string_view value);

// A line's "ts" for the instant `t` ("2026-12-07T05:30:12.345Z"), through the same per-thread
// cache the lines use.
std::string access_log_timestamp(std::chrono::system_clock::time_point t);

// JSON string escaping for hand-built log lines.
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace smart_router::observability
