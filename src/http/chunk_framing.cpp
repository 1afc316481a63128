#include "smart_router/http/chunk_framing.hpp"

#include <boost/beast/http/error.hpp>
#include <string>

#include "smart_router/http/request_parser.hpp"

namespace smart_router::http {
namespace bhttp = boost::beast::http;

namespace {

// Every LF in `bytes` follows a CR.
bool crlf_only(std::string_view bytes) {
  for (auto lf = bytes.find('\n'); lf != std::string_view::npos; lf = bytes.find('\n', lf + 1))
    if (lf == 0 || bytes[lf - 1] != '\r') return false;
  return true;
}

}  // namespace

boost::system::error_code check_chunk_framing(std::string_view unparsed, std::size_t limit) {
  // The previous chunk's CRLF is parsed with the next chunk-size line (and checked by Beast).
  if (unparsed.starts_with("\r\n")) unparsed.remove_prefix(2);
  const auto lf = unparsed.find('\n');
  if (lf == std::string_view::npos)
    return unparsed.size() > limit ? HeadError::chunk_line_too_long : boost::system::error_code{};
  if (!crlf_only(unparsed)) return HeadError::chunk_bare_lf;
  // A whole chunk-size line Beast still waits on is the last chunk's: it waits for the end of
  // the trailer section, counted with that line.
  if (unparsed.size() > limit) return HeadError::trailer_too_large;
  return {};
}

std::optional<ProxyError> body_error_answer(const boost::system::error_code& ec) {
  if (ec == bhttp::error::body_limit)
    return ProxyError{ErrorKind::payload_too_large, {}, 0, {}, {}};
  // The chunked framing's errors and the trailer section's fields (obs-fold, max_header_count)
  // go by the head's rules and codes.
  if (ec.category() == head_error_category()) {
    const bool too_large = ec == HeadError::too_many_fields || ec == HeadError::trailer_too_large;
    return ProxyError{too_large ? ErrorKind::headers_too_large : ErrorKind::bad_request,
                      "chunked body: " + ec.message(),
                      0,
                      {},
                      {}};
  }
  // Beast's own refusals: a bad chunk size or extension, a malformed trailer field, chunk data
  // longer than its size. buffer_overflow: the capped buffer filled before check_chunk_framing
  // saw the line (it is at least max_header_bytes long).
  if (is_beast_parse_error(ec))
    return ProxyError{ErrorKind::bad_request, "malformed chunked body: " + ec.message(), 0, {}, {}};
  return std::nullopt;
}

}  // namespace smart_router::http
