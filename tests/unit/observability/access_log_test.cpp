#include "smart_router/observability/access_log.hpp"

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "smart_router/observability/batched_line_writer.hpp"

namespace {

using smart_router::observability::AccessLog;
using smart_router::observability::append_json_escaped;
using smart_router::observability::BatchedLineWriter;

std::string escaped(std::string_view s) {
  std::string out;
  append_json_escaped(out, s);
  return out;
}

TEST(AppendJsonEscaped, PlainTextIsUnchanged) {
  EXPECT_EQ(escaped("GET /api/v1/x?a=1&b=2 ~'{}"), "GET /api/v1/x?a=1&b=2 ~'{}");
  EXPECT_EQ(escaped(""), "");
}

TEST(AppendJsonEscaped, Appends) {
  std::string out = "{\"k\":\"";
  append_json_escaped(out, "v");
  EXPECT_EQ(out, "{\"k\":\"v");
}

TEST(AppendJsonEscaped, QuotesAndBackslashes) {
  EXPECT_EQ(escaped("a\"b"), "a\\\"b");
  EXPECT_EQ(escaped("a\\b"), "a\\\\b");
  EXPECT_EQ(escaped("\\\""), "\\\\\\\"");
}

TEST(AppendJsonEscaped, ControlCharacters) {
  // RFC 8259 7: U+0000..U+001F must be escaped; \uXXXX is always a valid form.
  EXPECT_EQ(escaped("\n"), "\\u000a");
  EXPECT_EQ(escaped("\r"), "\\u000d");
  EXPECT_EQ(escaped("\t"), "\\u0009");
  EXPECT_EQ(escaped(std::string_view("\0", 1)), "\\u0000");
  EXPECT_EQ(escaped("\x1f"), "\\u001f");
  EXPECT_EQ(escaped("\x1b[31m"), "\\u001b[31m");  // terminal escape in a log line
}

TEST(AppendJsonEscaped, DelAndHighBytes) {
  EXPECT_EQ(escaped("\x7f"), "\\u007f");
  EXPECT_EQ(escaped("\x80"), "\\u0080");
  EXPECT_EQ(escaped("\xff"), "\\u00ff");
  EXPECT_EQ(escaped("\xc3\xa9"), "\\u00c3\\u00a9");
}

TEST(AppendJsonEscaped, EveryByteGivesValidAsciiJson) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  const std::string out = escaped(all);
  for (unsigned char c : out) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << static_cast<int>(c);
  const auto j = nlohmann::json::parse("\"" + out + "\"", nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << out;
  ASSERT_TRUE(j.is_string());
  // The ASCII part comes back byte for byte.
  const std::string back = j.get<std::string>();
  EXPECT_EQ(back.substr(0, 0x7f), all.substr(0, 0x7f));
}

// Values are scanned eight bytes at a time: a byte to escape is found at every position of a
// longer value, next to plain text on both sides.
TEST(AppendJsonEscaped, EveryPositionInALongValue) {
  const std::vector<std::pair<char, std::string>> cases = {
      {'"', "\\\""},       {'\\', "\\\\"},      {'\n', "\\u000a"},
      {'\x1f', "\\u001f"}, {'\x7f', "\\u007f"}, {'\x80', "\\u0080"},
      {'\xff', "\\u00ff"}, {' ', " "},          {'~', "~"}};
  for (const auto& [byte, shown] : cases) {
    for (std::size_t at = 0; at < 20; ++at) {
      std::string value(20, 'a');
      value[at] = byte;
      const std::string expected = std::string(at, 'a') + shown + std::string(19 - at, 'a');
      EXPECT_EQ(escaped(value), expected) << static_cast<int>(byte) << " at " << at;
    }
  }
}

TEST(AppendJsonEscaped, InjectionAttemptStaysInsideTheString) {
  const std::string target = "/x\",\"status\":200,\"evil\":\"1";
  const std::string line = "{\"target\":\"" + escaped(target) + "\"}";
  const auto j = nlohmann::json::parse(line, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << line;
  EXPECT_EQ(j.size(), 1u);
  EXPECT_EQ(j.value("target", ""), target);
}

TEST(AccessLog, OffAndEmptyAreDisabled) {
  EXPECT_FALSE(AccessLog("off").enabled());
  EXPECT_FALSE(AccessLog("").enabled());
  AccessLog off("off");
  off.write({});  // a no-op, not a crash
}

std::filesystem::path temp_log(const char* name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("sr-access-log-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  return dir / "sub" / "access.jsonl";  // the directory is created
}

std::vector<std::string> lines_of(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(AccessLog, WritesOneJsonObjectALineToAFile) {
  const auto path = temp_log("fields");
  {
    AccessLog log(path.string());
    ASSERT_TRUE(log.enabled());
    smart_router::observability::AccessRecord r;
    r.request_id = "req-1";
    r.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    r.span_id = "00f067aa0ba902b7";
    r.client_ip = "10.0.0.7";
    r.method = "GET";
    r.target = "/api/v1/x?q=\"1\"";
    r.status = 200;
    r.duration = std::chrono::microseconds(12'346);
    using smart_router::observability::access_log_field;
    const auto class_fields =
        access_log_field("tier", "shared") + access_log_field("user_tier", "PRO");
    const auto route_field = access_log_field("route", "by \"tier\"");
    r.class_fields = class_fields;
    r.route_field = route_field;
    r.upstream = "127.0.0.1:9001";
    r.attempts = 1;
    r.bytes_sent = 1234;
    log.write(r);
    r.request_id = "req-2";
    r.queue_wait = std::chrono::microseconds(500);
    r.error = "upstream_timeout";
    log.write(r);
  }  // destroyed: every line written is in the file
  const auto lines = lines_of(path);
  ASSERT_EQ(lines.size(), 2u);
  const auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["request_id"], "req-1");
  EXPECT_EQ(first["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(first["span_id"], "00f067aa0ba902b7");
  EXPECT_FALSE(first.contains("parent_span_id"));
  EXPECT_EQ(first["target"], "/api/v1/x?q=\"1\"");
  EXPECT_EQ(first["tier"], "shared");
  EXPECT_EQ(first["user_tier"], "PRO");
  EXPECT_EQ(first["route"], "by \"tier\"");
  EXPECT_EQ(first["upstream"], "127.0.0.1:9001");
  EXPECT_EQ(first["status"], 200);
  EXPECT_EQ(first["attempts"], 1);
  EXPECT_EQ(first["bytes_sent"], 1234);
  EXPECT_FALSE(first.contains("queue_ms"));
  EXPECT_FALSE(first.contains("error"));
  EXPECT_NE(lines[0].find("\"duration_ms\":12.346,"), std::string::npos) << lines[0];
  const std::string ts = first["ts"];
  ASSERT_EQ(ts.size(), 24u) << ts;  // 2026-12-07T05:30:12.345Z
  EXPECT_EQ(ts[10], 'T');
  EXPECT_EQ(ts[19], '.');
  EXPECT_EQ(ts[23], 'Z');
  const auto second = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(second["request_id"], "req-2");
  EXPECT_NE(lines[1].find("\"queue_ms\":0.500,"), std::string::npos) << lines[1];
  EXPECT_EQ(second["error"], "upstream_timeout");
  std::filesystem::remove_all(path.parent_path().parent_path());
}

TEST(AccessLog, NumbersOfEveryWidthAreWrittenWhole) {
  const auto path = temp_log("numbers");
  // Every width, at both ends of each (1 to 4 digits have a path of their own).
  std::vector<std::uint64_t> sizes;
  for (std::uint64_t low = 1; low <= 1'000'000'000'000'000'000ULL; low *= 10) {
    sizes.push_back(low - 1);
    sizes.push_back(low);
    sizes.push_back(low + low / 2);
  }
  sizes.push_back(18'446'744'073'709'551'615ULL);
  {
    AccessLog log(path.string());
    smart_router::observability::AccessRecord r;
    r.request_id = "n";
    r.method = "GET";
    r.target = "/";
    r.status = 200;
    for (const auto n : sizes) {
      r.bytes_sent = n;
      r.status = static_cast<unsigned>(n % 1200);  // 1 to 4 digits
      r.attempts = static_cast<int>(n % 4);
      r.duration = std::chrono::microseconds(n % 1000 * 1001);
      log.write(r);
    }
  }
  const auto lines = lines_of(path);
  ASSERT_EQ(lines.size(), sizes.size());
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const auto j = nlohmann::json::parse(lines[i]);
    EXPECT_EQ(j["bytes_sent"], sizes[i]) << lines[i];
    EXPECT_EQ(j["status"], sizes[i] % 1200) << lines[i];
    EXPECT_EQ(j["attempts"], sizes[i] % 4) << lines[i];
    EXPECT_NEAR(j["duration_ms"].get<double>(), static_cast<double>(sizes[i] % 1000) * 1.001, 1e-9)
        << lines[i];
  }
  std::filesystem::remove_all(path.parent_path().parent_path());
}

// Plain values are copied in pieces chosen by their length (4-7, 8-16, an id's exact size,
// the rest): each length is written whole.
TEST(AccessLog, PlainValuesOfEveryLengthAreWrittenWhole) {
  const auto path = temp_log("lengths");
  std::vector<std::string> values;
  {
    AccessLog log(path.string());
    smart_router::observability::AccessRecord r;
    r.target = "/";
    r.status = 200;
    for (std::size_t n = 0; n <= 40; ++n) {
      std::string v;
      for (std::size_t i = 0; i < n; ++i) v += static_cast<char>('a' + i % 26);
      values.push_back(v);
    }
    for (const auto& v : values) {
      r.request_id = v;
      r.trace_id = v.empty() ? std::string_view() : std::string_view(v);
      r.span_id = v;
      r.client_ip = v;
      r.method = v;
      r.upstream = v;
      r.error = v;
      log.write(r);
    }
  }
  const auto lines = lines_of(path);
  ASSERT_EQ(lines.size(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto j = nlohmann::json::parse(lines[i]);
    for (const char* key : {"request_id", "client", "method", "upstream"})
      EXPECT_EQ(j[key], values[i]) << key << ": " << lines[i];
    if (!values[i].empty()) {
      EXPECT_EQ(j["trace_id"], values[i]) << lines[i];
      EXPECT_EQ(j["span_id"], values[i]) << lines[i];
      EXPECT_EQ(j["error"], values[i]) << lines[i];
    }
  }
  std::filesystem::remove_all(path.parent_path().parent_path());
}

// The clock's time as the line's "ts" would show it, formatted here with strftime.
std::string iso_millis(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const auto second = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
  const auto seconds = static_cast<std::time_t>(second);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[64];
  const auto n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(ms - second * 1000));
  return std::string(text, n) + millis;
}

// Each line's timestamp is the clock's when it was written (the cache's edges, at fixed
// instants: TimestampsAtEveryEdgeOfTheCache).
TEST(AccessLog, EachLineHasTheTimeItWasWritten) {
  const auto path = temp_log("times");
  std::vector<std::pair<std::string, std::string>> bounds;
  {
    AccessLog log(path.string());
    smart_router::observability::AccessRecord r;
    r.request_id = "t";
    r.target = "/";
    for (int i = 0; i < 2000; ++i) {
      const auto before = std::chrono::system_clock::now();
      log.write(r);
      bounds.emplace_back(iso_millis(before), iso_millis(std::chrono::system_clock::now()));
    }
  }
  const auto lines = lines_of(path);
  ASSERT_EQ(lines.size(), bounds.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string ts = nlohmann::json::parse(lines[i])["ts"];
    EXPECT_LE(bounds[i].first, ts) << i;  // the same width: text order is time order
    EXPECT_LE(ts, bounds[i].second) << i;
  }
  std::filesystem::remove_all(path.parent_path().parent_path());
}

// The per-thread cache across every edge, at fixed instants: the same millisecond twice, a
// millisecond and a second rolling over, the clock stepping back, the epoch, and before it.
TEST(AccessLog, TimestampsAtEveryEdgeOfTheCache) {
  using smart_router::observability::access_log_timestamp;
  using std::chrono::milliseconds;
  const auto at = [](std::int64_t ms) {
    return std::chrono::system_clock::time_point(milliseconds(ms));
  };
  const std::int64_t t = 1'796'000'000'999;  // 2026-11-29T...:20.999Z
  for (const std::int64_t ms : {t, t, t + 1, t + 2, t + 1000, t - 1, t, std::int64_t{0},
                                std::int64_t{-1}, std::int64_t{-1500}, std::int64_t{-1500}, t}) {
    EXPECT_EQ(access_log_timestamp(at(ms)), iso_millis(at(ms))) << ms;
  }
  EXPECT_EQ(access_log_timestamp(at(-1)), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(access_log_timestamp(at(0)), "1970-01-01T00:00:00.000Z");
}

TEST(AccessLog, AFileThatCannotBeOpenedThrows) {
  EXPECT_THROW(AccessLog("/proc/no-such-dir/access.jsonl"), std::runtime_error);
}

TEST(BatchedLineWriter, EveryLineOfEveryThreadArrivesWholeAndInOrder) {
  const auto path = temp_log("threads");
  constexpr int kLines = 5000;
  {
    auto writer = BatchedLineWriter::open(path.string());
    const auto write_lines = [&writer](char who) {
      for (int i = 0; i < kLines; ++i)
        writer->append(std::string(1, who) + std::to_string(i) + "\n");
    };
    std::thread a(write_lines, 'a');
    std::thread b(write_lines, 'b');
    write_lines('c');  // and this thread: three batches, written in turn
    a.join();
    b.join();
    EXPECT_EQ(writer->dropped(), 0u);
  }
  int next_a = 0;
  int next_b = 0;
  int next_c = 0;
  for (const auto& line : lines_of(path)) {
    ASSERT_FALSE(line.empty());
    int& next = line[0] == 'a' ? next_a : line[0] == 'b' ? next_b : next_c;
    EXPECT_EQ(line.substr(1), std::to_string(next)) << line;
    ++next;
  }
  EXPECT_EQ(next_a, kLines);
  EXPECT_EQ(next_b, kLines);
  EXPECT_EQ(next_c, kLines);
  std::filesystem::remove_all(path.parent_path().parent_path());
}

// An access log replaced by a reload while requests that began before it still finish: one
// thread appends to the old writer and the new one in turn. Every line reaches its own file,
// in order.
TEST(BatchedLineWriter, AThreadAlternatingBetweenTwoWritersLosesNothing) {
  const auto old_path = temp_log("alternate-old");
  const auto new_path = temp_log("alternate-new");
  constexpr int kLines = 2000;
  {
    auto old_writer = BatchedLineWriter::open(old_path.string());
    auto new_writer = BatchedLineWriter::open(new_path.string());
    for (int i = 0; i < kLines; ++i) {
      old_writer->append("old" + std::to_string(i) + "\n");
      new_writer->append("new" + std::to_string(i) + "\n");
    }
  }
  const auto old_lines = lines_of(old_path);
  const auto new_lines = lines_of(new_path);
  ASSERT_EQ(old_lines.size(), static_cast<std::size_t>(kLines));
  ASSERT_EQ(new_lines.size(), static_cast<std::size_t>(kLines));
  for (int i = 0; i < kLines; ++i) {
    EXPECT_EQ(old_lines[static_cast<std::size_t>(i)], "old" + std::to_string(i));
    EXPECT_EQ(new_lines[static_cast<std::size_t>(i)], "new" + std::to_string(i));
  }
  std::filesystem::remove_all(old_path.parent_path().parent_path());
  std::filesystem::remove_all(new_path.parent_path().parent_path());
}

// A target that takes nothing (a pipe nobody reads yet): once kMaxPending bytes wait besides the
// batch blocked in write(), new lines are dropped and counted and the caller never blocks; every
// line not dropped arrives once the target takes again.
TEST(BatchedLineWriter, ATargetThatTakesNothingDropsAndCountsNewLines) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  prometheus::Counter dropped_metric;
  const std::string line = std::string(1023, 'x') + "\n";  // 1 KiB
  // At most two kMaxPending's worth is taken (the batch in write(), the one waiting): 3 x that
  // is sure to drop.
  const std::size_t appended = 3 * BatchedLineWriter::kMaxPending / 1024;
  std::uint64_t dropped = 0;
  std::size_t newlines = 0;
  std::thread reader;
  {
    BatchedLineWriter writer(fds[1], false, &dropped_metric);
    for (std::size_t i = 0; i < appended; ++i) writer.append(line);
    dropped = writer.dropped();
    EXPECT_GE(dropped, appended / 3);
    EXPECT_EQ(dropped_metric.Value(), static_cast<double>(dropped));
    reader = std::thread([fd = fds[0], &newlines] {
      std::vector<char> buf(1 << 16);
      for (ssize_t n; (n = ::read(fd, buf.data(), buf.size())) > 0;)
        newlines += static_cast<std::size_t>(std::count(buf.begin(), buf.begin() + n, '\n'));
    });
  }  // the destructor writes what waits
  ::close(fds[1]);
  reader.join();
  ::close(fds[0]);
  EXPECT_EQ(newlines + dropped, appended);
}

}  // namespace
