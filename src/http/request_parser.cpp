#include "smart_router/http/request_parser.hpp"

#include <array>
#include <string>

#include "smart_router/http/header_rules.hpp"

namespace smart_router::http {
namespace bhttp = boost::beast::http;

namespace {

// basic_fields::new_element's bound (a 16-bit offset, less the ": " / CRLF it adds).
constexpr std::size_t kMaxFieldPartBytes = 65533;

// Boost's error_category has a non-virtual destructor by design (categories are never
// deleted through it): its subclasses all trip -Wnon-virtual-dtor.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class HeadErrorCategory final : public boost::system::error_category {
 public:
  using boost::system::error_category::message;
  const char* name() const noexcept override { return "smart_router.head"; }
  std::string message(int ev) const override {
    switch (static_cast<HeadError>(ev)) {
      case HeadError::missing_host:
        return "HTTP/1.1 request without Host";
      case HeadError::duplicate_host:
        return "more than one Host header field";
      case HeadError::invalid_host:
        return "invalid Host header field";
      case HeadError::obs_fold:
        return "obsolete line folding in a header field";
      case HeadError::too_many_fields:
        return "too many header fields";
      case HeadError::transfer_encoding_http10:
        return "Transfer-Encoding in an HTTP/1.0 request";
      case HeadError::chunked_not_last:
        return "Transfer-Encoding must end with chunked, once";
      case HeadError::unsupported_transfer_coding:
        return "transfer codings other than chunked are not supported";
      case HeadError::chunk_line_too_long:
        return "chunk-size line exceeds max_header_bytes";
      case HeadError::chunk_bare_lf:
        return "chunked body line not ended by CRLF";
      case HeadError::trailer_too_large:
        return "trailer section exceeds max_header_bytes";
    }
    return "invalid request head";
  }
};
#pragma GCC diagnostic pop

// A value Beast did not unfold points into the input, just after the colon and its optional
// whitespace; an unfolded one lives in a buffer of Beast's own, or starts on a later line
// (basic_parser_base::parse_field, Boost 1.81; the unit tests pin every shape of fold).
bool folded(boost::beast::string_view name, boost::beast::string_view value) {
  const char* p = name.data() + name.size() + 1;  // past ':'
  while (*p == ' ' || *p == '\t') ++p;
  return p != value.data();
}

// RFC 3986 reg-name characters (unreserved, sub-delims, '%' of pct-encoded), one lookup each:
// every request's Host goes through this.
constexpr std::array<bool, 256> kRegName = [] {
  std::array<bool, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (const char c : std::string_view("-._~!$&'()*+,;=%")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

bool is_reg_name_char(char c) {
  return kRegName[static_cast<unsigned char>(c)];
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool valid_escapes(std::string_view name) {
  for (std::size_t i = 0; i < name.size(); ++i)
    if (name[i] == '%' && (i + 2 >= name.size() || !is_hex(name[i + 1]) || !is_hex(name[i + 2])))
      return false;
  return true;
}

bool all_digits(std::string_view s) {
  for (const char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// Each comma-separated coding of every Transfer-Encoding field, in order (they are adjacent
// in Beast's field list).
boost::system::error_code check_transfer_encoding(const bhttp::request_header<>& h) {
  if (h.version() < 11) return HeadError::transfer_encoding_http10;
  bool chunked_last = false;
  bool chunked_not_last = false;
  bool other = false;
  for (auto it = h.find(bhttp::field::transfer_encoding);
       it != h.end() && it->name() == bhttp::field::transfer_encoding; ++it) {
    std::string_view list(it->value().data(), it->value().size());
    while (!list.empty()) {
      const auto comma = list.find(',');
      std::string_view coding = list.substr(0, comma);
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
      while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t'))
        coding.remove_prefix(1);
      while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t'))
        coding.remove_suffix(1);
      if (coding.empty()) continue;  // empty list elements are allowed (RFC 9110 5.6.1)
      chunked_not_last = chunked_not_last || chunked_last;
      chunked_last = iequals(coding, "chunked");
      other = other || !chunked_last;
    }
  }
  if (!chunked_last || chunked_not_last) return HeadError::chunked_not_last;
  if (other) return HeadError::unsupported_transfer_coding;
  return {};
}

}  // namespace

const boost::system::error_category& head_error_category() {
  static const HeadErrorCategory category;
  return category;
}

boost::system::error_code make_error_code(HeadError e) {
  return {static_cast<int>(e), head_error_category()};
}

bool is_beast_parse_error(const boost::system::error_code& ec) {
  return ec.category() == make_error_code(bhttp::error::end_of_stream).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
         ec != bhttp::error::need_more && ec != bhttp::error::need_buffer;
}

std::optional<ProxyError> head_error_answer(const boost::system::error_code& ec,
                                            std::uint32_t max_fields) {
  if (ec.category() != head_error_category()) return std::nullopt;
  switch (static_cast<HeadError>(ec.value())) {
    case HeadError::too_many_fields:
      return ProxyError{ErrorKind::headers_too_large,
                        "more than " + std::to_string(max_fields) +
                            " header fields (server.limits.max_header_count)",
                        0,
                        {},
                        {}};
    case HeadError::unsupported_transfer_coding:
      return ProxyError{ErrorKind::not_implemented, ec.message(), 0, {}, {}};
    case HeadError::trailer_too_large:
      return ProxyError{ErrorKind::headers_too_large, ec.message(), 0, {}, {}};
    default:
      return ProxyError{ErrorKind::bad_request, ec.message(), 0, {}, {}};
  }
}

bool is_valid_host(std::string_view host) {
  std::string_view port;
  if (!host.empty() && host.front() == '[') {  // IP-literal: IPv6 or IPvFuture
    const auto close = host.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    for (const char c : host.substr(1, close - 1))
      if (c != ':' && !is_reg_name_char(c)) return false;
    const auto rest = host.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return false;
    port = rest.empty() ? rest : rest.substr(1);
  } else {
    std::size_t i = 0;
    bool escapes = false;
    for (; i < host.size() && host[i] != ':'; ++i) {
      if (!is_reg_name_char(host[i])) return false;
      escapes = escapes || host[i] == '%';
    }
    if (escapes && !valid_escapes(host.substr(0, i))) return false;
    if (i < host.size()) port = host.substr(i + 1);
  }
  return all_digits(port);
}

std::size_t leading_empty_lines(std::string_view bytes) {
  std::size_t n = 0;
  for (;;) {
    if (bytes.substr(n, 1) == "\n")
      n += 1;
    else if (bytes.substr(n, 2) == "\r\n")
      n += 2;
    else
      return n;
  }
}

void RequestParser::on_field_impl(bhttp::field id, string_view name, string_view value,
                                  error_code& ec) {
  if (++fields_ > max_fields_) {
    ec = HeadError::too_many_fields;
    return;
  }
  if (folded(name, value)) {
    ec = HeadError::obs_fold;
    return;
  }
  if (is_header_done()) {
    // A trailer field: checked, not kept (trailers are not forwarded). A trailer section that
    // arrived whole was never seen by check_chunk_framing: its fields are counted here.
    trailer_bytes_ += name.size() + value.size() + 4;  // "name: value" CRLF
    if (trailer_bytes_ > framing_limit_) ec = HeadError::trailer_too_large;
    return;
  }
  // Beast's fields store a name or value in at most 65,535 bytes and throw past that: with a
  // max_header_bytes that large, such a field is refused as a head too large.
  if (name.size() > kMaxFieldPartBytes || value.size() > kMaxFieldPartBytes) {
    ec = bhttp::error::header_limit;
    return;
  }
  if (id == bhttp::field::host) {
    if (host_) {
      ec = HeadError::duplicate_host;
      return;
    }
    host_ = true;
    if (!is_valid_host(std::string_view(value.data(), value.size()))) {
      ec = HeadError::invalid_host;
      return;
    }
  } else if (id == bhttp::field::transfer_encoding) {
    transfer_encoding_ = true;
  }
  get().insert(id, name, value);  // what Beast's parser does with a field
}

void RequestParser::on_header_impl(error_code& ec) {
  ec = {};
  fields_ = 0;  // the trailer section's fields are counted on their own
  if (!host_ && get().version() >= 11)
    ec = HeadError::missing_host;
  else if (transfer_encoding_)
    ec = check_transfer_encoding(get());
}

}  // namespace smart_router::http
