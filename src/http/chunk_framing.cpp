#include "smart_router/http/chunk_framing.hpp"

#include <boost/beast/http/error.hpp>
#include <string>

#include "smart_router/http/request_parser.hpp"

namespace smart_router::http {
namespace bhttp = boost::beast::http;

namespace {

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class ChunkErrorCategory final : public boost::system::error_category {
 public:
  using boost::system::error_category::message;
  const char* name() const noexcept override { return "smart_router.chunk"; }
  std::string message(int ev) const override {
    switch (static_cast<ChunkError>(ev)) {
      case ChunkError::line_too_long:
        return "chunk-size line exceeds max_header_bytes";
      case ChunkError::bare_lf:
        return "chunked body line not ended by CRLF";
      case ChunkError::trailer_too_large:
        return "trailer section exceeds max_header_bytes";
    }
    return "malformed chunked body";
  }
};
#pragma GCC diagnostic pop

// Every LF in `bytes` follows a CR.
bool crlf_only(std::string_view bytes) {
  for (auto lf = bytes.find('\n'); lf != std::string_view::npos; lf = bytes.find('\n', lf + 1))
    if (lf == 0 || bytes[lf - 1] != '\r') return false;
  return true;
}

bool is_beast_parse_error(const boost::system::error_code& ec) {
  return ec.category() == make_error_code(bhttp::error::end_of_stream).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
         ec != bhttp::error::need_more && ec != bhttp::error::need_buffer;
}

}  // namespace

const boost::system::error_category& chunk_error_category() {
  static const ChunkErrorCategory category;
  return category;
}

boost::system::error_code make_error_code(ChunkError e) {
  return {static_cast<int>(e), chunk_error_category()};
}

boost::system::error_code check_chunk_framing(std::string_view unparsed, std::size_t limit) {
  // The previous chunk's CRLF is parsed with the next chunk-size line (and checked by Beast).
  if (unparsed.starts_with("\r\n")) unparsed.remove_prefix(2);
  const auto lf = unparsed.find('\n');
  if (lf == std::string_view::npos)
    return unparsed.size() > limit ? ChunkError::line_too_long : boost::system::error_code{};
  if (!crlf_only(unparsed)) return ChunkError::bare_lf;
  // A whole chunk-size line Beast still waits on is the last chunk's: it waits for the end of
  // the trailer section, counted with that line.
  if (unparsed.size() > limit) return ChunkError::trailer_too_large;
  return {};
}

std::optional<ProxyError> body_error_answer(const boost::system::error_code& ec) {
  if (ec == bhttp::error::body_limit)
    return ProxyError{ErrorKind::payload_too_large, {}, 0, {}, {}};
  if (ec == ChunkError::trailer_too_large)
    return ProxyError{ErrorKind::headers_too_large, ec.message(), 0, {}, {}};
  if (ec.category() == chunk_error_category())
    return ProxyError{ErrorKind::bad_request, ec.message(), 0, {}, {}};
  // The trailer section's fields go through the head's rules (obs-fold, max_header_count).
  if (ec.category() == head_error_category()) {
    const auto kind =
        ec == HeadError::too_many_fields ? ErrorKind::headers_too_large : ErrorKind::bad_request;
    return ProxyError{kind, "trailer section: " + ec.message(), 0, {}, {}};
  }
  // Beast's own refusals: a bad chunk size or extension, a malformed trailer field, chunk data
  // longer than its size. buffer_overflow: the capped buffer filled before check_chunk_framing
  // saw the line (it is at least max_header_bytes long).
  if (is_beast_parse_error(ec))
    return ProxyError{ErrorKind::bad_request, "malformed chunked body: " + ec.message(), 0, {}, {}};
  return std::nullopt;
}

}  // namespace smart_router::http
