#include "smart_router/http/length_body.hpp"

#include <algorithm>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/error.hpp>
#include <cstring>

#include "smart_router/common/stream_io.hpp"

namespace smart_router::http {
namespace bhttp = boost::beast::http;

std::size_t fill_window(bhttp::buffer_body::value_type& window, const char* data, std::size_t n,
                        boost::system::error_code& ec) {
  const std::size_t taken = window.data == nullptr ? 0 : std::min(n, window.size);
  if (taken > 0) {
    std::memcpy(window.data, data, taken);
    window.data = static_cast<char*>(window.data) + taken;
    window.size -= taken;
  }
  ec = taken < n ? bhttp::error::need_buffer : boost::system::error_code{};
  return taken;
}

std::size_t LengthBody::put(boost::asio::const_buffer bytes, boost::system::error_code& ec) {
  const auto wanted = static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size(), left_));
  const std::size_t n = fill_window(window_, static_cast<const char*>(bytes.data()), wanted, ec);
  left_ -= n;
  return n;
}

// As Beast's read_some does for a parser: parse what is buffered, else read once; an end of
// stream before the last byte is partial_message.
boost::system::error_code read_some_now(Stream& s, boost::beast::flat_buffer& buffer,
                                        LengthBody& body) {
  if (s.is_tls()) return boost::asio::error::operation_not_supported;
  if (body.is_done()) return {};  // the next bytes are not this body's
  boost::system::error_code ec;
  if (buffer.size() == 0) {
    const auto size = boost::beast::read_size(buffer, 65536);
    if (size == 0) return bhttp::error::buffer_overflow;
    const auto n = s.socket().read_some(buffer.prepare(size), ec);
    buffer.commit(n);
    if (ec == boost::asio::error::eof) return bhttp::error::partial_message;
    if (ec) return ec;
  }
  buffer.consume(body.put(buffer.data(), ec));
  return ec;
}

boost::asio::awaitable<boost::system::error_code> read_some(Stream& s,
                                                            boost::beast::flat_buffer& buffer,
                                                            LengthBody& body) {
  return wait_and_parse(s, buffer, true, [s_ = &s, buffer_ = &buffer, body_ = &body] {
    return read_some_now(*s_, *buffer_, *body_);
  });
}

}  // namespace smart_router::http
