#include "smart_router/http/trace_context.hpp"

#include <algorithm>

#include "smart_router/common/fast_random.hpp"
#include "smart_router/common/hex.hpp"

namespace smart_router::http {
namespace {

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool is_lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return is_lower_hex(c); });
}

bool all_zero(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; });
}

// A lower-case hex id of the spec: the right length, not all zero.
template <std::size_t N>
bool take_id(std::string_view text, std::array<char, N>& out) {
  if (text.size() != N || !is_lower_hex(text) || all_zero(text)) return false;
  std::copy(text.begin(), text.end(), out.begin());
  return true;
}

std::uint64_t nonzero_random() {
  for (;;)
    if (const auto r = fast_random(); r != 0) return r;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// key = ( lcalpha / DIGIT ) 0*255 ( lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@" )
bool valid_key(std::string_view key) {
  const auto lc_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (key.empty() || key.size() > 256 || !lc_or_digit(key.front())) return false;
  return std::all_of(key.begin(), key.end(), [&](char c) {
    return lc_or_digit(c) || c == '_' || c == '-' || c == '*' || c == '/' || c == '@';
  });
}

// value = 0*255( %x20 / nblk-chr ) nblk-chr; nblk-chr: printable ASCII but ',', '=' and space.
bool valid_value(std::string_view value) {
  if (value.empty() || value.size() > 256 || value.back() == ' ') return false;
  return std::all_of(value.begin(), value.end(),
                     [](char c) { return c >= 0x20 && c <= 0x7e && c != ',' && c != '='; });
}

// The list members of a tracestate (empty ones skipped), or nullopt when it is not a valid list.
struct Members {
  std::array<std::string_view, kMaxTracestateMembers> at{};
  std::size_t count = 0;
};

std::optional<Members> parse_members(std::string_view list) {
  Members m;
  std::array<std::string_view, kMaxTracestateMembers> keys{};
  while (true) {
    const auto comma = list.find(',');
    const std::string_view member = trim_ows(list.substr(0, comma));
    if (!member.empty()) {
      const auto eq = member.find('=');
      if (eq == std::string_view::npos || m.count == kMaxTracestateMembers) return std::nullopt;
      const auto key = member.substr(0, eq);
      if (!valid_key(key) || !valid_value(member.substr(eq + 1))) return std::nullopt;
      if (std::find(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(m.count), key) !=
          keys.begin() + static_cast<std::ptrdiff_t>(m.count))
        return std::nullopt;  // one entry per key
      keys[m.count] = key;
      m.at[m.count++] = member;
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return m;
}

}  // namespace

std::optional<TraceParent> parse_traceparent(std::string_view v) {
  // Every version has at least version 00's 55 characters.
  if (v.size() < kTraceparentSize || !is_lower_hex(v[0]) || !is_lower_hex(v[1]) || v[2] != '-')
    return std::nullopt;
  if (v[0] == 'f' && v[1] == 'f') return std::nullopt;  // version ff is forbidden
  const bool v00 = v[0] == '0' && v[1] == '0';
  // 00 ends after its flags; a later version may go on, after a '-', with fields we ignore.
  if (v00 ? v.size() != kTraceparentSize : (v.size() > kTraceparentSize && v[55] != '-'))
    return std::nullopt;
  TraceParent tp;
  if (!take_id(v.substr(3, 32), tp.trace_id) || v[35] != '-' ||
      !take_id(v.substr(36, 16), tp.parent_id) || v[52] != '-')
    return std::nullopt;
  const auto flags = v.substr(53, 2);
  if (!is_lower_hex(flags)) return std::nullopt;
  const char low = flags[1];
  const int low_bits = low <= '9' ? low - '0' : low - 'a' + 10;
  tp.sampled = (low_bits & 1) != 0;  // the only flag defined; the others are dropped
  return tp;
}

std::string_view bound_tracestate(std::string_view combined, std::string& scratch) {
  const auto members = parse_members(combined);
  if (!members || members->count == 0) return {};  // an empty list is not worth sending
  if (combined.size() <= kMaxTracestateBytes) return combined;
  // Too long: whole entries go, those over 128 bytes first, then from the end.
  std::array<std::string_view, kMaxTracestateMembers> keep{};
  std::size_t n = 0;
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < members->count; ++i) {
    const auto m = members->at[i];
    if (m.size() > 128) continue;
    keep[n++] = m;
    bytes += m.size() + (n > 1 ? 1 : 0);
  }
  while (n > 0 && bytes > kMaxTracestateBytes) {
    --n;
    bytes -= keep[n].size() + (n > 0 ? 1 : 0);
  }
  // Built aside first: `combined` may be `scratch` itself.
  std::array<char, kMaxTracestateBytes> out{};
  std::size_t len = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out[len++] = ',';
    std::copy(keep[i].begin(), keep[i].end(), out.begin() + static_cast<std::ptrdiff_t>(len));
    len += keep[i].size();
  }
  scratch.assign(out.data(), len);
  return scratch;
}

void TraceContext::begin(const std::optional<TraceParent>& incoming, std::string_view tracestate) {
  continued_ = incoming.has_value();
  if (incoming) {
    trace_id_ = incoming->trace_id;
    parent_id_ = incoming->parent_id;
    sampled_ = incoming->sampled;
    tracestate_ = tracestate;
  } else {
    write_hex64(fast_random(), trace_id_.data());
    write_hex64(nonzero_random(), trace_id_.data() + 16);  // never all zero
    sampled_ = false;
    tracestate_ = {};
  }
  write_hex64(nonzero_random(), span_id_.data());
  // The upstream traceparent but for its span id, written once.
  char* out = upstream_.data();
  out[0] = out[1] = '0';
  out[2] = out[35] = out[52] = '-';
  std::copy(trace_id_.begin(), trace_id_.end(), out + 3);
  out[53] = '0';
  out[54] = sampled_ ? '1' : '0';
}

std::string_view TraceContext::next_upstream_traceparent() {
  write_hex64(nonzero_random(), upstream_.data() + 36);
  return {upstream_.data(), upstream_.size()};
}

}  // namespace smart_router::http
