// The client's request parser: Beast's, plus the RFC 9112 rules a proxy must enforce and Beast
// leaves to its user, checked while the head is parsed (never after it was forwarded):
//   - an HTTP/1.1 request without Host, more than one Host, or a Host that is no uri-host[:port]
//     (9112 3.2): 400;
//   - obs-fold, a field value continued on the next line (9112 5.2): 400 (Beast unfolds it);
//   - more than max_fields() header fields: 431 (the byte limit alone lets 4,000 tiny fields in);
//   - Transfer-Encoding in HTTP/1.0 (9112 6.1) or whose codings do not end in exactly one
//     chunked (9112 6.3: the body's length is unknowable): 400; any coding besides chunked:
//     501, as nginx (the router relays chunked framing only: it would strip a gzip coding).
// A chunked body's trailer section goes through the same field rules (obs-fold, max_fields: its
// own count), is bounded by framing_limit (max_header_bytes: HeadError::trailer_too_large) and
// is then dropped, never added to the head: the router does not forward trailers.
// Each refusal is a head_error code, so the session answers it as it answers Beast's errors.
#pragma once

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

#include "smart_router/common/error.hpp"

namespace smart_router::http {

enum class HeadError {
  missing_host = 1,
  duplicate_host,
  invalid_host,
  obs_fold,
  too_many_fields,
  transfer_encoding_http10,
  chunked_not_last,
  unsupported_transfer_coding,
  // A chunked body's framing (chunk_framing.hpp) and trailer section, held to the head's rules:
  chunk_line_too_long,  // a chunk-size line (with its extensions) past max_header_bytes: 400
  chunk_bare_lf,        // a chunk or trailer line ended by LF alone: 400
  trailer_too_large,    // the last chunk's line and the trailer section past max_header_bytes: 431
};

const boost::system::error_category& head_error_category();
boost::system::error_code make_error_code(HeadError e);

// A Beast parser error that says the bytes are malformed, not that the message was cut short
// (end_of_stream, partial_message) or that the parser wants more (need_more, need_buffer).
bool is_beast_parse_error(const boost::system::error_code& ec);

// The answer to a head the parser refused with a HeadError; nullopt for other codes.
std::optional<ProxyError> head_error_answer(const boost::system::error_code& ec,
                                            std::uint32_t max_fields);

// RFC 9112 3.2 / RFC 3986: uri-host [":" port], or empty.
bool is_valid_host(std::string_view host);

// How many bytes of empty lines ("\r\n" or a bare "\n") `bytes` starts with (RFC 9112 2.2:
// a server ignores them before a request line).
std::size_t leading_empty_lines(std::string_view bytes);

class RequestParser : public boost::beast::http::request_parser<boost::beast::http::buffer_body> {
 public:
  void max_fields(std::uint32_t n) { max_fields_ = n; }
  std::uint32_t max_fields() const { return max_fields_; }
  // The bound on a chunked body's framing (chunk_framing.hpp): max_header_bytes.
  void framing_limit(std::size_t n) { framing_limit_ = n; }
  std::size_t framing_limit() const { return framing_limit_; }

 private:
  using error_code = boost::system::error_code;
  using string_view = boost::beast::string_view;

  void on_field_impl(boost::beast::http::field id, string_view name, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code& ec) override;

  std::uint32_t max_fields_ = 100;
  std::size_t framing_limit_ = 16384;
  std::size_t trailer_bytes_ = 0;
  std::uint32_t fields_ = 0;
  bool host_ = false;
  bool transfer_encoding_ = false;
};

}  // namespace smart_router::http

template <>
struct boost::system::is_error_code_enum<smart_router::http::HeadError> : std::true_type {};
