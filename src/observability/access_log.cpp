#include "smart_router/observability/access_log.hpp"

#include <spdlog/async.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>

namespace smart_router::observability {

AccessLog::AccessLog(const std::string& target) {
  if (target == "off" || target.empty()) return;
  static std::once_flag pool_once;
  // 8192 queued lines (~3 MB) absorb bursts; when full, the oldest line is dropped rather
  // than a worker blocked (create_async_nb).
  std::call_once(pool_once, [] { spdlog::init_thread_pool(8192, 1); });
  if (target == "stdout") {
    logger_ = spdlog::create_async_nb<spdlog::sinks::stdout_sink_mt>("access");
  } else {
    logger_ = spdlog::create_async_nb<spdlog::sinks::basic_file_sink_mt>("access", target);
  }
  spdlog::drop("access");  // not in the global registry: a reload may open a new one
  logger_->set_pattern("%v");
  logger_->set_level(spdlog::level::info);
  logger_->flush_on(spdlog::level::info);
}

AccessLog::~AccessLog() {
  if (logger_) logger_->flush();
}

void append_json_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
}

void AccessLog::write(const AccessRecord& r) {
  if (!logger_) return;
  std::string line;
  line.reserve(384);
  const auto now = std::chrono::system_clock::now();
  const auto t = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char ts[80];
  std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  auto field = [&](std::string_view name, std::string_view value) {
    line += ",\"";
    line += name;
    line += "\":\"";
    append_json_escaped(line, value);
    line += '"';
  };
  line += "{\"ts\":\"";
  line += ts;
  line += '"';
  field("request_id", r.request_id);
  if (!r.trace_id.empty()) {
    field("trace_id", r.trace_id);
    field("span_id", r.span_id);
    if (!r.parent_span_id.empty()) field("parent_span_id", r.parent_span_id);
  }
  field("client", r.client_ip);
  field("method", r.method);
  field("target", r.target);
  line += ",\"status\":" + std::to_string(r.status);
  char dur[32];
  std::snprintf(dur, sizeof dur, "%.3f", r.duration_ms);
  line += ",\"duration_ms\":";
  line += dur;
  if (r.queue_ms > 0) {
    std::snprintf(dur, sizeof dur, "%.3f", r.queue_ms);
    line += ",\"queue_ms\":";
    line += dur;
  }
  field("tier", r.tier);
  field("user_tier", r.user_tier);
  field("route", r.route);
  field("upstream", r.upstream);
  line += ",\"attempts\":" + std::to_string(r.attempts);
  if (!r.hedge.empty()) field("hedge", r.hedge);
  line += ",\"bytes_sent\":" + std::to_string(r.bytes_sent);
  if (!r.error.empty()) field("error", r.error);
  line += '}';
  logger_->info(line);
}

}  // namespace smart_router::observability
