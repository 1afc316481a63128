// Reads and writes that complete at once when a plain (non-TLS) socket can: the socket is in
// non-blocking mode, so the attempt never waits, and when the kernel takes or gives the bytes
// straight away (small heads and bodies, the common case) the coroutine goes on without a
// suspension and a scheduler round trip. Only on would_block does the async operation run, for
// what is left. Under TLS, OpenSSL's state lives in the async stream: always async there.
// The *_now functions are the at-once half; the awaitables are the waiting half.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <cstddef>

#include "smart_router/common/drained_receive.hpp"
#include "smart_router/common/stream.hpp"

namespace smart_router {

struct WriteResult {
  boost::system::error_code ec;
  std::size_t bytes = 0;
};

// The two halves, for hot paths that must not pay for a coroutine frame when nothing waits:
//   WriteResult w;
//   if (!write_now(s, b, w)) w = co_await write_rest(s, b, w);
// write_now returns true when it is finished (all written, or an error in w.ec).
template <class ConstBuffers>
bool write_now(Stream& s, const ConstBuffers& buffers, WriteResult& r) {
  if (s.is_tls()) return false;
  r.bytes = boost::asio::write(s.socket(), buffers, r.ec);
  return r.ec != boost::asio::error::would_block;
}

template <class ConstBuffers>
boost::asio::awaitable<WriteResult> write_rest(Stream& s, const ConstBuffers& buffers,
                                               WriteResult r) {
  boost::beast::buffers_suffix<ConstBuffers> rest(buffers);
  rest.consume(r.bytes);
  auto [ec, n] =
      co_await boost::asio::async_write(s, rest, boost::asio::as_tuple(boost::asio::use_awaitable));
  r.ec = ec;
  r.bytes += n;
  co_return r;
}

// Writes every byte of `buffers` (a ConstBufferSequence that outlives the call).
template <class ConstBuffers>
boost::asio::awaitable<WriteResult> write_all(Stream& s, const ConstBuffers& buffers) {
  WriteResult r;
  if (write_now(s, buffers, r)) co_return r;
  co_return co_await write_rest(s, buffers, r);
}

// Reads until the parser has a whole message head, from `buffer` and what the kernel has now;
// would_block when it has to wait (then co_await read_header). A parser that takes a head of
// the common shape itself (ResponseHeadParser::take_simple_head) is offered the buffer first.
// `consumed` (when given) adds up the bytes the parser took: Beast 1.81 bounds each of its
// passes over the buffer by header_limit, not the head as a whole, so an exact limit is the
// caller's (the request head's max_header_bytes).
template <class Parser>
boost::system::error_code read_header_now(Stream& s, boost::beast::flat_buffer& buffer,
                                          Parser& parser, std::size_t* consumed = nullptr) {
  if (s.is_tls()) return boost::asio::error::would_block;
  if constexpr (requires { parser.take_simple_head(buffer); }) {
    // (Answers only, which no caller counts: take_simple_head does not say what it took.)
    if (parser.take_simple_head(buffer)) return {};
  }
  boost::system::error_code ec;
  const auto n = boost::beast::http::read_header(s.socket(), buffer, parser, ec);
  if (consumed != nullptr) *consumed += n;
  return ec;
}

// Waits for bytes with one plain socket read into `buffer` (not Beast's composed read, which
// stacks three operations per wait), then lets `parse_now` take them. On a plain socket,
// parse_now is read_header_now or read_some_now: it parses and reads on until it is done or
// the kernel has nothing more (would_block: wait again). An EOF is left for parse_now to see
// (its own read reports it), so a message cut short is told from a clean close as Beast does.
// `known_empty`: a read on this thread has just seen would_block, so the wait starts without
// a recv of its own (async_receive_drained).
template <class ParseNow>
boost::asio::awaitable<boost::system::error_code> wait_and_parse(Stream& s,
                                                                 boost::beast::flat_buffer& buffer,
                                                                 bool known_empty,
                                                                 ParseNow parse_now) {
  for (;; known_empty = true) {
    const auto size = boost::beast::read_size(buffer, 65536);
    if (size == 0) co_return boost::beast::http::error::buffer_overflow;
    auto [ec, n] =
        co_await async_receive_drained(s.socket(), s.reactor(), buffer.prepare(size), known_empty,
                                       boost::asio::as_tuple(boost::asio::use_awaitable));
    buffer.commit(n);
    if (ec && ec != boost::asio::error::eof) co_return ec;
    const auto pec = parse_now();
    if (pec != boost::asio::error::would_block) co_return pec;
  }
}

template <bool isRequest>
boost::asio::awaitable<boost::system::error_code> read_header_tls(
    Stream& s, boost::beast::flat_buffer& buffer,
    boost::beast::http::basic_parser<isRequest>& parser, std::size_t* consumed) {
  auto [ec, n] = co_await boost::beast::http::async_read_header(
      s, buffer, parser, boost::asio::as_tuple(boost::asio::use_awaitable));
  if (consumed != nullptr) *consumed += n;
  co_return ec;
}

// Reads until the parser has a whole message head, waiting if it must. Called after
// read_header_now said would_block, or (`known_empty` false) with an empty buffer and no try.
// Not a coroutine itself (one frame per wait, not two): what it hands on outlives the wait.
template <class Parser>
boost::asio::awaitable<boost::system::error_code> read_header(Stream& s,
                                                              boost::beast::flat_buffer& buffer,
                                                              Parser& parser,
                                                              bool known_empty = true,
                                                              std::size_t* consumed = nullptr) {
  if (s.is_tls()) return read_header_tls(s, buffer, parser, consumed);
  return wait_and_parse(s, buffer, known_empty,
                        [s_ = &s, buffer_ = &buffer, parser_ = &parser, consumed] {
                          return read_header_now(*s_, *buffer_, *parser_, consumed);
                        });
}

// The next part of a message (body bytes) into the parser: now, or would_block.
template <bool isRequest>
boost::system::error_code read_some_now(Stream& s, boost::beast::flat_buffer& buffer,
                                        boost::beast::http::basic_parser<isRequest>& parser) {
  if (s.is_tls()) return boost::asio::error::would_block;
  boost::system::error_code ec;
  boost::beast::http::read_some(s.socket(), buffer, parser, ec);
  return ec;
}

template <bool isRequest>
boost::asio::awaitable<boost::system::error_code> read_some_tls(
    Stream& s, boost::beast::flat_buffer& buffer,
    boost::beast::http::basic_parser<isRequest>& parser) {
  auto [ec, n] = co_await boost::beast::http::async_read_some(
      s, buffer, parser, boost::asio::as_tuple(boost::asio::use_awaitable));
  (void)n;
  co_return ec;
}

// The next part of a message, waiting if it must; called after read_some_now said would_block.
// Not a coroutine itself, as read_header.
template <bool isRequest>
boost::asio::awaitable<boost::system::error_code> read_some(
    Stream& s, boost::beast::flat_buffer& buffer,
    boost::beast::http::basic_parser<isRequest>& parser) {
  if (s.is_tls()) return read_some_tls(s, buffer, parser);
  return wait_and_parse(s, buffer, true, [s_ = &s, buffer_ = &buffer, parser_ = &parser] {
    return read_some_now(*s_, *buffer_, *parser_);
  });
}

}  // namespace smart_router
