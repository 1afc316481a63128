// Reads and writes that complete at once when a plain (non-TLS) socket can: the socket is in
// non-blocking mode, so the attempt never waits, and when the kernel takes or gives the bytes
// straight away (small heads and bodies, the common case) the coroutine goes on without a
// suspension and a scheduler round trip. Only on would_block does the async operation run, for
// what is left. Under TLS, OpenSSL's state lives in the async stream: always async there.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/read.hpp>
#include <cstddef>

#include "smart_router/common/stream.hpp"

namespace smart_router {

struct WriteResult {
  boost::system::error_code ec;
  std::size_t bytes = 0;
};

// Writes every byte of `buffers` (a ConstBufferSequence that outlives the call).
template <class ConstBuffers>
boost::asio::awaitable<WriteResult> write_all(Stream& s, const ConstBuffers& buffers) {
  WriteResult r;
  if (!s.is_tls()) {
    r.bytes = boost::asio::write(s.socket(), buffers, r.ec);
    if (r.ec != boost::asio::error::would_block) co_return r;
  }
  boost::beast::buffers_suffix<ConstBuffers> rest(buffers);
  rest.consume(r.bytes);
  auto [ec, n] =
      co_await boost::asio::async_write(s, rest, boost::asio::as_tuple(boost::asio::use_awaitable));
  r.ec = ec;
  r.bytes += n;
  co_return r;
}

// Reads until the parser has a whole message head. Bytes already in `buffer` are parsed first;
// on a plain socket the kernel's bytes are taken if there are some, and only otherwise does
// the coroutine wait for more.
template <bool isRequest>
boost::asio::awaitable<boost::system::error_code> read_header(
    Stream& s, boost::beast::flat_buffer& buffer,
    boost::beast::http::basic_parser<isRequest>& parser) {
  if (!s.is_tls()) {
    boost::system::error_code ec;
    boost::beast::http::read_header(s.socket(), buffer, parser, ec);
    if (ec != boost::asio::error::would_block) co_return ec;
  }
  auto [ec, n] = co_await boost::beast::http::async_read_header(
      s, buffer, parser, boost::asio::as_tuple(boost::asio::use_awaitable));
  (void)n;
  co_return ec;
}

// Reads the next part of a message (body bytes) into the parser, the same way.
template <bool isRequest>
boost::asio::awaitable<boost::system::error_code> read_some(
    Stream& s, boost::beast::flat_buffer& buffer,
    boost::beast::http::basic_parser<isRequest>& parser) {
  if (!s.is_tls()) {
    boost::system::error_code ec;
    boost::beast::http::read_some(s.socket(), buffer, parser, ec);
    if (ec != boost::asio::error::would_block) co_return ec;
  }
  auto [ec, n] = co_await boost::beast::http::async_read_some(
      s, buffer, parser, boost::asio::as_tuple(boost::asio::use_awaitable));
  (void)n;
  co_return ec;
}

}  // namespace smart_router
