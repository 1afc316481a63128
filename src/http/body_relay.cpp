#include "smart_router/http/body_relay.hpp"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <cstdio>
#include <span>
#include <type_traits>

#include "smart_router/common/stream_io.hpp"
#include "smart_router/http/chunk_framing.hpp"
#include "smart_router/http/length_body.hpp"
#include "smart_router/http/request_parser.hpp"
#include "smart_router/http/response_head_parser.hpp"

namespace smart_router::http {
namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr std::string_view kChunkEnd = "\r\n";
constexpr std::string_view kLastChunk = "0\r\n\r\n";
constexpr unsigned kPiecesPerTurn = 8;
constexpr std::size_t kBodyReadSize = std::size_t{16} * 1024;  // as HAProxy's bufsize

// One gather write: head, one framed piece of body, and the chunked terminator when `last`.
class Piece {
 public:
  Piece(std::string_view head, const char* data, std::size_t n, BodyFraming framing, bool last) {
    if (!head.empty()) bufs_[count_++] = net::buffer(head);
    if (n > 0) {
      if (framing == BodyFraming::chunked) {
        const int len = std::snprintf(size_line_, sizeof size_line_, "%zx\r\n", n);
        bufs_[count_++] = net::buffer(size_line_, static_cast<std::size_t>(len));
        bufs_[count_++] = net::buffer(data, n);
        bufs_[count_++] = net::buffer(kChunkEnd);
      } else {
        bufs_[count_++] = net::buffer(data, n);
      }
    }
    if (last && framing == BodyFraming::chunked) bufs_[count_++] = net::buffer(kLastChunk);
  }
  Piece(const Piece&) = delete;  // the buffers point into size_line_
  Piece& operator=(const Piece&) = delete;

  bool empty() const { return count_ == 0; }
  std::span<const net::const_buffer> buffers() const { return {bufs_.data(), count_}; }

 private:
  std::array<net::const_buffer, 5> bufs_;
  std::size_t count_ = 0;
  char size_line_[24];
};

// A request's chunked body: when the parser waits on bytes it has not taken (the socket had no
// more, or the capped buffer is full), they are a chunk-size line or the trailer section so far,
// checked at once (chunk_framing.hpp) rather than waited on. Responses: the upstream is trusted.
template <class Parser>
boost::system::error_code check_framing(const boost::beast::flat_buffer& buffer,
                                        const Parser& parser, boost::system::error_code ec) {
  if constexpr (std::is_same_v<Parser, RequestParser>) {
    if ((ec == net::error::would_block || ec == bhttp::error::buffer_overflow) &&
        parser.chunked() && buffer.size() > 0) {
      const std::string_view unparsed(static_cast<const char*>(buffer.data().data()),
                                      buffer.size());
      if (auto framing = check_chunk_framing(unparsed, parser.framing_limit())) return framing;
    }
  }
  return ec;
}

// read_some_now, checked.
template <class Parser>
boost::system::error_code take_now(Stream& src, boost::beast::flat_buffer& buffer, Parser& parser) {
  return check_framing(buffer, parser, read_some_now(src, buffer, parser));
}

// read_some (the wait), checked after every read, not only once the parser has made progress.
// Under TLS Beast's own read waits for progress: a bad line is seen when the cap is reached.
template <class Parser>
net::awaitable<boost::system::error_code> take_when_ready(Stream& src,
                                                          boost::beast::flat_buffer& buffer,
                                                          Parser& parser) {
  if constexpr (std::is_same_v<Parser, RequestParser>) {
    if (!src.is_tls())
      return wait_and_parse(src, buffer, true, [s_ = &src, b_ = &buffer, p_ = &parser] {
        return take_now(*s_, *b_, *p_);
      });
  }
  return read_some(src, buffer, parser);
}

// While a chunked request body is read, its buffer is capped: a line or trailer section that
// does not end stops at the cap (buffer_overflow, then check_framing) instead of growing the
// buffer without bound. The cap is at least 64 KiB (a small max_header_bytes must not shrink
// the body's reads) and never below what is buffered already (read_size would underflow).
class BufferCap {
 public:
  template <class Parser>
  BufferCap(boost::beast::flat_buffer& buffer, const Parser& parser)
      : buffer_(buffer), old_(buffer.max_size()) {
    if constexpr (std::is_same_v<Parser, RequestParser>) {
      if (parser.chunked()) {
        constexpr std::size_t kMinCap = std::size_t{64} * 1024;
        // + 3: a full buffer then holds more than the limit (and the previous chunk's CRLF).
        buffer.max_size(std::max(std::max(parser.framing_limit(), kMinCap) + 3, buffer.size()));
      }
    }
  }
  ~BufferCap() { buffer_.max_size(old_); }
  BufferCap(const BufferCap&) = delete;
  BufferCap& operator=(const BufferCap&) = delete;

 private:
  boost::beast::flat_buffer& buffer_;
  std::size_t old_;
};

// Fills the parser's body window with what the source has now: pieces already buffered and
// whatever the kernel holds, so a body that has arrived goes out in one write. would_block:
// the kernel had no more (the window may hold bytes); need_buffer (window full) is success.
template <class Parser>
boost::system::error_code fill_window_now(Stream& src, boost::beast::flat_buffer& src_buffer,
                                          Parser& parser,
                                          const bhttp::buffer_body::value_type& body) {
  boost::system::error_code ec;
  do {
    ec = take_now(src, src_buffer, parser);
    if (ec == bhttp::error::need_buffer) return {};
  } while (!ec && body.size > 0 && !parser.is_done());
  return ec;
}

// The source buffer sizes each read from the socket: one that only ever held heads (512
// bytes to start with) would move a body in 512-byte reads and writes. Grown unless the
// whole body arrived with its head (an idle upstream connection gives the memory back:
// ConnectionPool::put), before the first piece, so a body that fits goes out in one write.
template <class Parser>
void grow_for_body(boost::beast::flat_buffer& src_buffer, const Parser& parser,
                   std::size_t buffer_size) {
  const std::size_t read_size = std::min(buffer_size, kBodyReadSize);
  const auto remaining = parser.content_length_remaining();
  const bool all_here = remaining && *remaining <= src_buffer.size();
  if (!parser.is_done() && !all_here && src_buffer.capacity() < read_size)
    src_buffer.reserve(read_size);
}

}  // namespace

// Every wait (a read or write that cannot complete at once, or a turn given to the other
// connections) is bounded by `idle`: the watch is armed just before it, not on every piece.
template <class Parser>
net::awaitable<RelayResult> relay_body(BodySource<Parser> from, BodySink to, RelayBuffer via) {
  Stream& src = from.stream;
  auto& src_buffer = from.buffer;
  auto& parser = from.parser;
  auto& body = from.window;
  char* const buffer = via.data;
  const std::size_t buffer_size = via.size;
  auto& watch = via.watch;
  const auto idle = via.idle;
  RelayResult result;
  std::string_view pending_head = to.head;
  const BufferCap cap(src_buffer, parser);
  grow_for_body(src_buffer, parser, buffer_size);
  // The last read found the source empty and nothing has suspended since: bytes that came
  // after it will still be announced by epoll, so the next wait needs no read first.
  bool drained = false;
  for (unsigned turn = 1;; ++turn) {
    std::size_t got = 0;
    if (!parser.is_done()) {
      // Reads and writes that complete at once never suspend: let the worker's other
      // connections (and the watchdog) run between pieces of a long body.
      if (turn % kPiecesPerTurn == 0) {
        watch.arm_after(idle, DeadlineWatch::Action::close_both);
        co_await net::post(src.get_executor(), net::use_awaitable);
        drained = false;
      }
      body.data = buffer;
      body.size = buffer_size;
      auto ec = drained ? net::error::would_block : fill_window_now(src, src_buffer, parser, body);
      got = buffer_size - body.size;
      drained = ec == net::error::would_block;
      // Bytes at hand go out now; with none, the head goes out first rather than waiting on
      // the source (and when there are some, with the head in one write). Bytes still
      // buffered but not parsed (TLS reads nothing at once) are parsed by the wait, at once.
      const bool head_alone = !pending_head.empty() && src_buffer.size() == 0;
      const bool write_now_anyway = drained && (got > 0 || head_alone);
      if (write_now_anyway) {
        ec = {};
      } else if (drained) {
        watch.arm_after(idle, DeadlineWatch::Action::close_both);
        ec = check_framing(src_buffer, parser, co_await take_when_ready(src, src_buffer, parser));
        if (ec == bhttp::error::need_buffer) ec = {};
        got = buffer_size - body.size;
        drained = false;
      }
      if (ec) {
        result.read_error = ec;
        // What was gathered before the failed read still goes out, as it would have piece
        // by piece (an answer cut short reaches the client cut short, not empty).
        if (got == 0 && pending_head.empty()) co_return result;
      } else if (got == 0 && !parser.is_done() && pending_head.empty()) {
        continue;
      }
    }
    const bool last = parser.is_done();
    const Piece piece(pending_head, buffer, got, to.framing, last);
    pending_head = {};
    if (!piece.empty()) {
      WriteResult w;
      if (!write_now(to.stream, piece.buffers(), w)) {
        watch.arm_after(idle, DeadlineWatch::Action::close_both);
        w = co_await write_rest(to.stream, piece.buffers(), w);
        drained = false;
      }
      result.bytes_written += w.bytes;
      if (w.ec) {
        result.write_error = w.ec;
        co_return result;
      }
    }
    if (last || result.read_error) co_return result;
  }
}

template net::awaitable<RelayResult> relay_body(BodySource<RequestParser>, BodySink, RelayBuffer);
template net::awaitable<RelayResult> relay_body(BodySource<ResponseHeadParser>, BodySink,
                                                RelayBuffer);
template net::awaitable<RelayResult> relay_body(BodySource<LengthBody>, BodySink, RelayBuffer);

net::awaitable<void> pump_bytes(Stream& from, Stream& to, RelayBuffer via) {
  for (;;) {
    via.watch.arm_after(via.idle, DeadlineWatch::Action::close_both);
    auto [ec, n] = co_await from.async_read_some(net::buffer(via.data, via.size),
                                                 net::as_tuple(net::use_awaitable));
    if (ec) break;
    auto [wec, w] =
        co_await net::async_write(to, net::buffer(via.data, n), net::as_tuple(net::use_awaitable));
    (void)w;
    if (wec) break;
  }
  boost::system::error_code ignored;
  if (!to.is_tls()) to.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace smart_router::http
