#include "smart_router/observability/access_log.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "smart_router/observability/batched_line_writer.hpp"

namespace smart_router::observability {
namespace {

// The longest a byte becomes once escaped ("\u00XX").
constexpr std::size_t kMaxEscaped = 6;

// Bytes a JSON string cannot hold as they are: '"', '\', controls; DEL and non-ASCII too, so
// a line is always valid ASCII whatever a client sent.
constexpr std::array<bool, 256> kNeedsEscape = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = c == '"' || c == '\\' || c < 0x20 || c >= 0x7f;
  return t;
}();

char* put(char* p, std::string_view s) {
  if (s.empty()) return p;  // its data() may be null, which memcpy must never get
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// A literal: its size is known, so the copy is a few moves, not a call.
template <std::size_t N>
char* put(char* p, const char (&literal)[N]) {
  std::memcpy(p, literal, N - 1);
  return p + N - 1;
}

// n bytes, sizeof(Word) <= n <= 2 * sizeof(Word), in two overlapping moves each way: no call.
template <typename Word>
char* put_overlapping(char* p, const char* in, std::size_t n) {
  Word head = 0;
  Word tail = 0;
  std::memcpy(&head, in, sizeof(Word));
  std::memcpy(&tail, in + n - sizeof(Word), sizeof(Word));
  std::memcpy(p, &head, sizeof(Word));
  std::memcpy(p + n - sizeof(Word), &tail, sizeof(Word));
  return p + n;
}

// A value of 4 to 16 bytes (a method, an address) without a call to memcpy; other sizes as
// put() does. Every read is inside `s`.
char* put_small(char* p, std::string_view s) {
  const std::size_t n = s.size();
  if (n >= 8 && n <= 16) return put_overlapping<std::uint64_t>(p, s.data(), n);
  if (n >= 4 && n < 8) return put_overlapping<std::uint32_t>(p, s.data(), n);
  return put(p, s);
}

// A value that nearly always has N bytes (an id we made): a copy of known size, no call.
template <std::size_t N>
char* put_exact(char* p, std::string_view s) {
  if (s.size() != N) return put(p, s);
  std::memcpy(p, s.data(), N);
  return p + N;
}

// A byte that needs escaping.
char* put_escape(char* p, char ch) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto c = static_cast<unsigned char>(ch);
  if (c == '"' || c == '\\') {
    *p++ = '\\';
    *p++ = ch;
  } else {
    p = put(p, "\\u00");
    *p++ = kHex[c >> 4];
    *p++ = kHex[c & 0xF];
  }
  return p;
}

inline char* put_escaped_byte(char* p, char ch) {
  if (kNeedsEscape[static_cast<unsigned char>(ch)]) return put_escape(p, ch);
  *p = ch;
  return p + 1;
}

// Whether one of the 8 bytes of `w` may need escaping (never a miss; a rare false alarm only
// sends those bytes through the byte-wise path): a control, '"', '\\', DEL or a high byte.
// Branch-free: each test leaves a byte's high bit set where it holds.
inline bool word_may_need_escape(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  const std::uint64_t quote = w ^ (kOnes * '"');
  const std::uint64_t backslash = w ^ (kOnes * '\\');
  const std::uint64_t control = (w - kOnes * 0x20) & ~w;  // a byte < 0x20
  const std::uint64_t high = (w + kOnes) | w;             // a byte >= 0x7f
  const std::uint64_t is_quote = (quote - kOnes) & ~quote;
  const std::uint64_t is_backslash = (backslash - kOnes) & ~backslash;
  return ((control | high | is_quote | is_backslash) & kHighs) != 0;
}

// Eight bytes at a time while none needs escaping (nearly every value), else byte by byte.
// The line's buffer has room past any value (line_bound), so a word may be stored whole and
// only its first bytes kept.
char* put_escaped(char* p, std::string_view s) {
  const char* in = s.data();
  const char* const end = in + s.size();
  if (s.empty()) return p;
  if (s.size() < 8) {  // a short value (a method, a class or route name): one word's check
    std::uint64_t w = 0x6161616161616161ULL;  // 'a' where the value has no byte
    std::memcpy(&w, in, s.size());
    if (!word_may_need_escape(w)) {
      std::memcpy(p, &w, 8);
      return p + s.size();
    }
  }
  while (end - in >= 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, in, 8);
    if (word_may_need_escape(w)) {
      p = put_escaped_byte(p, *in++);
      continue;
    }
    std::memcpy(p, &w, 8);
    p += 8;
    in += 8;
  }
  if (in != end && s.size() >= 8) {
    // The last 1..7 bytes, as the value's last eight: when all are plain, the bytes before
    // them were written as they are, so the eight go over those and the rest.
    const auto tail = end - in;
    std::uint64_t w = 0;
    std::memcpy(&w, end - 8, 8);
    if (!word_may_need_escape(w)) {
      std::memcpy(p - (8 - tail), &w, 8);
      return p + tail;
    }
  }
  while (in != end) p = put_escaped_byte(p, *in++);
  return p;
}

// "00" "01" .. "99": two digits a move.
constexpr std::array<char, 200> kDigitPairs = [] {
  std::array<char, 200> t{};
  for (std::size_t i = 0; i < 100; ++i) {
    t[2 * i] = static_cast<char>('0' + i / 10);
    t[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return t;
}();

char* put_two_digits(char* p, unsigned n) {  // n < 100, with its leading zero
  std::memcpy(p, &kDigitPairs[std::size_t{2} * n], 2);
  return p + 2;
}

// Decimal. A line's numbers (a status, bytes sent, milliseconds, attempts) nearly all have
// 1 to 4 digits: those take a branch and a move or two, the rest std::to_chars.
char* put_uint(char* p, std::uint64_t n) {
  if (n < 10) {
    *p = static_cast<char>('0' + n);
    return p + 1;
  }
  if (n < 100) return put_two_digits(p, static_cast<unsigned>(n));
  if (n < 1000) {
    *p = static_cast<char>('0' + n / 100);
    return put_two_digits(p + 1, static_cast<unsigned>(n % 100));
  }
  if (n < 10000)
    return put_two_digits(put_two_digits(p, static_cast<unsigned>(n / 100)),
                          static_cast<unsigned>(n % 100));
  return std::to_chars(p, p + 20, n).ptr;
}

// Milliseconds with three decimals, as "%.3f" prints them: whole microseconds, no floating point.
char* put_ms(char* p, std::chrono::microseconds d) {
  const auto us = static_cast<std::uint64_t>(std::max<std::int64_t>(d.count(), 0));
  p = put_uint(p, us / 1000);
  const auto frac = static_cast<unsigned>(us % 1000);
  p[0] = '.';
  p[1] = static_cast<char>('0' + frac / 100);
  return put_two_digits(p + 2, frac % 100);
}

// "2026-12-07T05:30:12.345Z". A thread formats it once a millisecond (at tens of thousands of
// lines a second most lines share one) and its date and time once a second (gmtime_r and
// snprintf cost more than all the rest of a line); a line copies it. Whole seconds and
// milliseconds are floored, so a clock before 1970 reads as the instant it is too.
char* put_timestamp(char* p, std::chrono::system_clock::time_point now) {
  using std::chrono::floor;
  thread_local bool formatted = false;  // (no value of the clock can stand for "not yet")
  thread_local std::int64_t cached_ms = 0;
  thread_local std::int64_t cached_second = 0;
  thread_local std::array<char, 64> text{};
  thread_local std::size_t text_size = 0;
  const auto since_epoch = now.time_since_epoch();
  const auto ms = floor<std::chrono::milliseconds>(since_epoch).count();
  if (!formatted || ms != cached_ms) {
    const auto second = floor<std::chrono::seconds>(since_epoch).count();
    if (!formatted || second != cached_second) {
      const auto t = static_cast<std::time_t>(second);
      std::tm tm{};
      gmtime_r(&t, &tm);
      const int n = std::snprintf(text.data(), text.size() - 5, "%04d-%02d-%02dT%02d:%02d:%02d",
                                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                                  tm.tm_min, tm.tm_sec);
      text_size = std::min<std::size_t>(static_cast<std::size_t>(std::max(n, 0)),
                                        text.size() - 6) +
                  5;  // + ".mmmZ"
      cached_second = second;
    }
    const auto millis = static_cast<unsigned>(ms - cached_second * 1000);  // 0..999
    char* m = text.data() + text_size - 5;
    m[0] = '.';
    m[1] = static_cast<char>('0' + millis / 100);
    put_two_digits(m + 2, millis % 100);
    m[4] = 'Z';
    cached_ms = ms;
    formatted = true;
  }
  if (text_size == 24) {  // years 1000 to 9999: a copy of known size, no call
    std::memcpy(p, text.data(), 24);
    return p + 24;
  }
  return put(p, {text.data(), text_size});
}

// `,"name":"` before a string value.
template <std::size_t N>
char* put_name(char* p, const char (&name)[N]) {
  p = put(p, ",\"");
  p = put(p, name);
  return put(p, "\":\"");
}

// `,"name":"value"` with the value escaped.
template <std::size_t N>
char* put_field(char* p, const char (&name)[N], std::string_view value) {
  p = put_escaped(put_name(p, name), value);
  *p++ = '"';
  return p;
}

// `,"name":"value"` for a value that needs no escaping, copied by `copy` (put_small,
// put_exact<N>).
template <std::size_t N, typename Copy>
char* put_plain_field(char* p, const char (&name)[N], std::string_view value, Copy copy) {
  p = copy(put_name(p, name), value);
  *p++ = '"';
  return p;
}

// The most a record's line can take: every value escaped at its longest, plus names and numbers.
std::size_t line_bound(const AccessRecord& r) {
  const std::size_t values = r.request_id.size() + r.trace_id.size() + r.span_id.size() +
                             r.parent_span_id.size() + r.client_ip.size() + r.method.size() +
                             r.target.size() + r.upstream.size() + r.hedge.size() + r.error.size();
  return values * kMaxEscaped + r.class_fields.size() + r.route_field.size() + 512;
}

// Formats the line, with its '\n', at `p` (which has line_bound(r) bytes); returns its end.
char* format_line(const AccessRecord& r, char* p) {
  p = put(p, "{\"ts\":\"");
  p = put_timestamp(p, std::chrono::system_clock::now());
  *p++ = '"';
  // The request id is ours or passed is_acceptable_request_id's charset; the client's address
  // is an IP literal we wrote; a method is an HTTP token: none holds a byte JSON escapes.
  p = put_plain_field(p, "request_id", r.request_id, put_exact<36>);  // a UUID when ours
  if (!r.trace_id.empty()) {  // lower-case hex, written or checked by the trace context
    p = put_plain_field(p, "trace_id", r.trace_id, put_exact<32>);
    p = put_plain_field(p, "span_id", r.span_id, put_exact<16>);
    if (!r.parent_span_id.empty())
      p = put_plain_field(p, "parent_span_id", r.parent_span_id, put_exact<16>);
  }
  p = put_plain_field(p, "client", r.client_ip, put_small);
  p = put_plain_field(p, "method", r.method, put_small);
  p = put_field(p, "target", r.target);
  p = put(p, ",\"status\":");
  p = put_uint(p, r.status);
  p = put(p, ",\"duration_ms\":");
  p = put_ms(p, r.duration);
  if (r.queue_wait.count() > 0) {
    p = put(p, ",\"queue_ms\":");
    p = put_ms(p, r.queue_wait);
  }
  p = put(p, r.class_fields);
  p = put(p, r.route_field);
  // An IP literal or DNS name, and a port.
  p = put_plain_field(p, "upstream", r.upstream, put_small);
  p = put(p, ",\"attempts\":");
  p = put_uint(p, r.attempts);
  if (!r.hedge.empty()) p = put_plain_field(p, "hedge", r.hedge, put_small);  // ours: "won"..
  p = put(p, ",\"bytes_sent\":");
  p = put_uint(p, r.bytes_sent);
  if (!r.error.empty()) p = put_plain_field(p, "error", r.error, put_small);  // a code of ours
  return put(p, "}\n");
}

}  // namespace

AccessLog::AccessLog(const std::string& target, prometheus::Counter* dropped) {
  if (target == "off" || target.empty()) return;
  writer_ = BatchedLineWriter::open(target, dropped);
}

AccessLog::~AccessLog() = default;

std::string access_log_timestamp(std::chrono::system_clock::time_point t) {
  std::array<char, 64> out{};
  const char* end = put_timestamp(out.data(), t);
  return {out.data(), static_cast<std::size_t>(end - out.data())};
}

std::string access_log_field(std::string_view name, std::string_view value) {
  std::string out = ",\"";
  out += name;
  out += "\":\"";
  append_json_escaped(out, value);
  out += '"';
  return out;
}

void append_json_escaped(std::string& out, std::string_view s) {
  const auto old = out.size();
  out.resize(old + s.size() * kMaxEscaped + 8);  // + a word's slack (put_escaped)
  const char* end = put_escaped(out.data() + old, s);
  out.resize(static_cast<std::size_t>(end - out.data()));
}

void AccessLog::write(const AccessRecord& r) {
  if (!writer_) return;
  writer_->append_formatted(line_bound(r), [&r](char* out) { return format_line(r, out); });
}

}  // namespace smart_router::observability
