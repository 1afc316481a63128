// The body of an answer whose head ResponseHeadParser::take_simple_head took: Content-Length
// framed, so reading it is counting bytes. It offers the relay (relay_body) what Beast's parser
// does for such a body: bytes go into a window the relay points at its buffer, need_buffer when
// the window is full, partial_message when the upstream closes early.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/optional/optional.hpp>
#include <cstdint>

#include "smart_router/common/stream.hpp"

namespace smart_router::http {

// Copies as many of `n` bytes as `window` has room for and moves the window past them;
// need_buffer when it could not take them all (full, or no window yet). The relay points the
// window at its buffer before each read: LengthBody and ResponseHeadParser both fill it so.
std::size_t fill_window(boost::beast::http::buffer_body::value_type& window, const char* data,
                        std::size_t n, boost::system::error_code& ec);

class LengthBody {
 public:
  void start(std::uint64_t length) { left_ = length; }
  bool is_done() const { return left_ == 0; }
  boost::optional<std::uint64_t> content_length_remaining() const { return left_; }
  boost::beast::http::buffer_body::value_type& window() { return window_; }

  // Takes body bytes from `bytes` into the window; returns how many.
  std::size_t put(boost::asio::const_buffer bytes, boost::system::error_code& ec);

 private:
  std::uint64_t left_ = 0;
  boost::beast::http::buffer_body::value_type window_;
};

// The next body bytes: those in `buffer`, else what the socket has now (would_block: none).
// Only plain sockets carry a LengthBody (take_simple_head is offered only there): on a TLS
// stream, operation_not_supported.
boost::system::error_code read_some_now(Stream& s, boost::beast::flat_buffer& buffer,
                                        LengthBody& body);

// The same, waiting for the socket; called after read_some_now said would_block.
boost::asio::awaitable<boost::system::error_code> read_some(Stream& s,
                                                            boost::beast::flat_buffer& buffer,
                                                            LengthBody& body);

}  // namespace smart_router::http
