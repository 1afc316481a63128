// Streams a message body from one socket to another through a fixed buffer: never the whole
// body in memory, and a slow reader slows the writer (each piece is written before the next is
// read). Works for both directions, chunked or with Content-Length.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <string_view>

#include "smart_router/common/deadline_watch.hpp"
#include "smart_router/common/stream.hpp"
#include "smart_router/http/header_rules.hpp"

namespace smart_router::http {

struct RelayResult {
  boost::system::error_code read_error;   // from the source side (or the parser)
  boost::system::error_code write_error;  // from the destination side
  std::uint64_t bytes_written = 0;        // bytes put on the destination, head included
  bool ok() const { return !read_error && !write_error; }
};

// Writes `head` and then the body the parser still has to deliver, framed as `framing`.
// If the source buffer already holds body bytes, the first piece goes out with the head in one
// write. `idle` bounds every read and write (the watch closes both sides when it passes).
// `window` is where the parser puts body bytes (buffer_body's, or ResponseHeadParser's).
template <bool isRequest>
boost::asio::awaitable<RelayResult> relay_body(Stream& src, boost::beast::flat_buffer& src_buffer,
                                               boost::beast::http::basic_parser<isRequest>& parser,
                                               boost::beast::http::buffer_body::value_type& window,
                                               Stream& dst, BodyFraming framing,
                                               std::string_view head, char* buffer,
                                               std::size_t buffer_size, DeadlineWatch& watch,
                                               std::chrono::milliseconds idle);

// Copies raw bytes one way until either side closes (websocket tunnel half).
boost::asio::awaitable<void> pump_bytes(Stream& from, Stream& to, char* buffer,
                                        std::size_t buffer_size, DeadlineWatch& watch,
                                        std::chrono::milliseconds idle);

}  // namespace smart_router::http
