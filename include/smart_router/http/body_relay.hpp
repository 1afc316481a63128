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

// Where a body comes from: a socket, the bytes read from it but not yet parsed, the parser, and
// the parser's body window (buffer_body's, ResponseHeadParser's, or LengthBody's). Parser: a
// Beast parser (RequestParser, ResponseHeadParser), or LengthBody.
template <class Parser>
struct BodySource {
  Stream& stream;
  boost::beast::flat_buffer& buffer;
  Parser& parser;
  boost::beast::http::buffer_body::value_type& window;
};

// Where it goes: `head` first (with the first piece of body when that is here), then the body
// framed as `framing`.
struct BodySink {
  Stream& stream;
  BodyFraming framing;
  std::string_view head;
};

// The buffer a relay moves bytes through, and the bound on every wait: the watch closes both
// sides when `idle` passes without progress.
struct RelayBuffer {
  char* data;
  std::size_t size;
  DeadlineWatch& watch;
  std::chrono::milliseconds idle;
};

// Writes the sink's head and then the body the parser still has to deliver.
template <class Parser>
boost::asio::awaitable<RelayResult> relay_body(BodySource<Parser> from, BodySink to,
                                               RelayBuffer via);

// Copies raw bytes one way until either side closes (websocket tunnel half).
boost::asio::awaitable<void> pump_bytes(Stream& from, Stream& to, RelayBuffer via);

}  // namespace smart_router::http
