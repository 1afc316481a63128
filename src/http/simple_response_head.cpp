#include "smart_router/http/simple_response_head.hpp"

#include <array>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <charconv>

namespace smart_router::http {
namespace bhttp = boost::beast::http;

namespace {

enum : std::uint8_t { kTokenChar = 1, kValueChar = 2 };

// tchar (RFC 9110 5.6.2) for names; printable ASCII, SP and HTAB for values and the reason
// (Beast also takes obs-text there: such a head is left to it).
constexpr std::array<std::uint8_t, 256> make_char_classes() {
  std::array<std::uint8_t, 256> classes{};
  constexpr std::string_view kTokenPunctuation = "!#$%&'*+-.^_`|~";
  for (int c = 0; c < 256; ++c) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (alnum || kTokenPunctuation.find(static_cast<char>(c)) != std::string_view::npos)
      classes[static_cast<std::size_t>(c)] |= kTokenChar;
    if ((c >= 0x21 && c <= 0x7e) || c == ' ' || c == '\t')
      classes[static_cast<std::size_t>(c)] |= kValueChar;
  }
  return classes;
}
constexpr auto kCharClasses = make_char_classes();

bool is(char c, std::uint8_t char_class) {
  return (kCharClasses[static_cast<unsigned char>(c)] & char_class) != 0;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// 1 to 18 digits (no overflow, no sign); a list or anything else is Beast's to judge.
std::optional<std::uint64_t> parse_length(std::string_view v) {
  std::uint64_t n = 0;
  const char* const end = v.data() + v.size();
  if (v.empty() || v.size() > 18 || !is_digit(v.front())) return std::nullopt;
  const auto [stop, ec] = std::from_chars(v.data(), end, n);
  if (ec != std::errc{} || stop != end) return std::nullopt;
  return n;
}

std::optional<SimpleResponseHead> parse_head(std::string_view in, FlatFields& fields) {
  constexpr std::string_view kVersion = "HTTP/1.1 ";
  if (in.size() < kVersion.size() + 4 || in.substr(0, kVersion.size()) != kVersion)
    return std::nullopt;
  const char* p = in.data() + kVersion.size();
  const char* const end = in.data() + in.size();
  // Status: a final one that has a body (1xx, 204 and 304 frame differently).
  if (p[0] < '2' || p[0] > '5' || !is_digit(p[1]) || !is_digit(p[2]) || p[3] != ' ')
    return std::nullopt;
  SimpleResponseHead head;
  head.status = static_cast<unsigned>((p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0'));
  if (head.status == 204 || head.status == 304) return std::nullopt;
  p += 4;
  const char* const reason = p;
  while (p < end && is(*p, kValueChar)) ++p;
  if (end - p < 2 || p[0] != '\r' || p[1] != '\n') return std::nullopt;
  head.reason = {reason, static_cast<std::size_t>(p - reason)};
  p += 2;

  bool has_length = false;
  for (;;) {
    if (end - p < 2) return std::nullopt;  // not all here yet
    if (p[0] == '\r') {
      if (p[1] != '\n' || !has_length) return std::nullopt;  // no length: close-delimited
      head.head_size = static_cast<std::size_t>(p + 2 - in.data());
      fields.set_text(in.substr(0, head.head_size));
      return head;
    }
    const char* const name = p;
    while (p < end && is(*p, kTokenChar)) ++p;
    if (p == name || p == end || *p != ':') return std::nullopt;
    const std::string_view name_view(name, static_cast<std::size_t>(p - name));
    ++p;
    while (p < end && (*p == ' ' || *p == '\t')) ++p;
    const char* const value = p;
    while (p < end && is(*p, kValueChar)) ++p;
    // CRLF, then a line that does not start with whitespace (obs-fold is Beast's to unfold).
    if (end - p < 3 || p[0] != '\r' || p[1] != '\n' || p[2] == ' ' || p[2] == '\t')
      return std::nullopt;
    const char* value_end = p;
    while (value_end > value && (value_end[-1] == ' ' || value_end[-1] == '\t')) --value_end;
    p += 2;
    const std::string_view value_view(value, static_cast<std::size_t>(value_end - value));
    const auto id = bhttp::string_to_field({name_view.data(), name_view.size()});
    switch (id) {
      case bhttp::field::content_length: {
        const auto length = parse_length(value_view);
        if (has_length || !length) return std::nullopt;
        head.content_length = *length;
        has_length = true;
        break;
      }
      case bhttp::field::connection:
        if (!boost::beast::iequals({value_view.data(), value_view.size()}, "keep-alive"))
          return std::nullopt;
        break;
      case bhttp::field::transfer_encoding:
      case bhttp::field::upgrade:
      case bhttp::field::proxy_connection:
        return std::nullopt;
      default:
        break;
    }
    fields.add_at(id, static_cast<std::size_t>(name - in.data()), name_view.size(),
                  static_cast<std::size_t>(value - in.data()), value_view.size());
  }
}

}  // namespace

std::optional<SimpleResponseHead> parse_simple_response_head(std::string_view bytes,
                                                             FlatFields& fields) {
  fields.clear();
  auto head = parse_head(bytes.substr(0, kMaxSimpleResponseHead), fields);
  if (!head) fields.clear();  // entries whose text was never set
  return head;
}

}  // namespace smart_router::http
