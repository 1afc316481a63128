#include "knobs.hpp"

#include <algorithm>
#include <array>
#include <boost/beast/core/string.hpp>
#include <charconv>

namespace mock_upstream {

namespace {

enum class Kind {
  delay_ms,
  status,
  body_bytes,
  chunked,
  reset,
  close,
  malformed,
  header_bytes,
  hang
};

struct KnobName {
  std::string_view query;
  std::string_view header;
  Kind kind;
};

constexpr std::array<KnobName, 9> kKnobs{{
    {"delay_ms", "X-Mock-Delay-Ms", Kind::delay_ms},
    {"status", "X-Mock-Status", Kind::status},
    {"body_bytes", "X-Mock-Body-Bytes", Kind::body_bytes},
    {"chunked", "X-Mock-Chunked", Kind::chunked},
    {"reset", "X-Mock-Reset", Kind::reset},
    {"close", "X-Mock-Close", Kind::close},
    {"malformed", "X-Mock-Malformed", Kind::malformed},
    {"header_bytes", "X-Mock-Header-Bytes", Kind::header_bytes},
    {"hang", "X-Mock-Hang", Kind::hang},
}};

std::optional<std::uint64_t> parse_uint(std::string_view text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || text.empty()) return std::nullopt;
  return value;
}

std::optional<bool> parse_flag(std::string_view text) {
  if (text == "1" || text == "true" || text == "yes" || text.empty()) return true;
  if (text == "0" || text == "false" || text == "no") return false;
  return std::nullopt;
}

bool apply(Knobs& knobs, Kind kind, std::string_view value) {
  switch (kind) {
    case Kind::chunked:
    case Kind::reset:
    case Kind::close:
    case Kind::malformed:
    case Kind::hang: {
      const auto flag = parse_flag(value);
      if (!flag) return false;
      bool& target = kind == Kind::chunked     ? knobs.chunked
                     : kind == Kind::reset     ? knobs.reset
                     : kind == Kind::close     ? knobs.close
                     : kind == Kind::malformed ? knobs.malformed
                                               : knobs.hang;
      target = *flag;
      return true;
    }
    default:
      break;
  }
  const auto number = parse_uint(value);
  if (!number) return false;
  switch (kind) {
    case Kind::delay_ms:
      knobs.delay_ms = std::min(*number, kMaxDelayMs);
      return true;
    case Kind::status:
      if (*number < 200 || *number > 999) return false;
      knobs.status = static_cast<unsigned>(*number);
      return true;
    case Kind::body_bytes:
      knobs.body_bytes = *number;
      return true;
    case Kind::header_bytes:
      knobs.header_bytes = std::min(*number, kMaxHeaderBytes);
      return true;
    default:
      return false;
  }
}

}  // namespace

bool apply_knob(Knobs& knobs, std::string_view name, std::string_view value) {
  for (const auto& knob : kKnobs) {
    if (knob.query == name) return apply(knobs, knob.kind, value);
  }
  return false;
}

namespace {

// Calls visit(name, value) for every `name=value` pair of a raw query string.
template <class Visit>
void for_each_pair(std::string_view query, Visit visit) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    visit(name, value);
  }
}

}  // namespace

void apply_query_knobs(Knobs& knobs, std::string_view query) {
  for_each_pair(query, [&knobs](std::string_view name, std::string_view value) {
    apply_knob(knobs, name, value);
  });
}

std::optional<std::uint64_t> query_uint(std::string_view query, std::string_view name) {
  std::optional<std::uint64_t> found;
  for_each_pair(query, [&](std::string_view key, std::string_view value) {
    if (key == name) found = parse_uint(value);
  });
  return found;
}

void apply_header_knobs(Knobs& knobs, const boost::beast::http::fields& headers) {
  for (const auto& field : headers) {
    const auto name = field.name_string();
    if (name.size() < 7 || !boost::beast::iequals(name.substr(0, 7), "X-Mock-")) continue;
    for (const auto& knob : kKnobs) {
      if (boost::beast::iequals(name, knob.header)) {
        const auto value = field.value();
        apply(knobs, knob.kind, std::string_view(value.data(), value.size()));
        break;
      }
    }
  }
}

Knobs parse_knobs(std::string_view query, const boost::beast::http::fields& headers) {
  Knobs knobs;
  apply_header_knobs(knobs, headers);
  apply_query_knobs(knobs, query);
  return knobs;
}

}  // namespace mock_upstream
