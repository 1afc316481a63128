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

#include "smart_router/common/stream_io.hpp"

namespace smart_router::http {
namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr std::string_view kChunkEnd = "\r\n";
constexpr std::string_view kLastChunk = "0\r\n\r\n";
constexpr unsigned kPiecesPerTurn = 8;

// One gather write: head, one framed piece of body, and the chunked terminator when `last`.
net::awaitable<boost::system::error_code> write_piece(Stream& dst, std::string_view head,
                                                      const char* data, std::size_t n,
                                                      BodyFraming framing, bool last,
                                                      std::uint64_t& written) {
  std::array<net::const_buffer, 5> bufs;
  std::size_t count = 0;
  char size_line[24];
  if (!head.empty()) bufs[count++] = net::buffer(head);
  if (n > 0) {
    if (framing == BodyFraming::chunked) {
      const int len = std::snprintf(size_line, sizeof size_line, "%zx\r\n", n);
      bufs[count++] = net::buffer(size_line, static_cast<std::size_t>(len));
      bufs[count++] = net::buffer(data, n);
      bufs[count++] = net::buffer(kChunkEnd);
    } else {
      bufs[count++] = net::buffer(data, n);
    }
  }
  if (last && framing == BodyFraming::chunked) bufs[count++] = net::buffer(kLastChunk);
  if (count == 0) co_return boost::system::error_code{};
  const std::span<const net::const_buffer> pieces(bufs.data(), count);
  const auto w = co_await write_all(dst, pieces);
  written += w.bytes;
  co_return w.ec;
}

}  // namespace

template <bool isRequest>
net::awaitable<RelayResult> relay_body(Stream& src, boost::beast::flat_buffer& src_buffer,
                                       bhttp::basic_parser<isRequest>& parser,
                                       bhttp::buffer_body::value_type& body, Stream& dst,
                                       BodyFraming framing, std::string_view head, char* buffer,
                                       std::size_t buffer_size, DeadlineWatch& watch,
                                       std::chrono::milliseconds idle) {
  RelayResult result;
  std::string_view pending_head = head;
  // Without body bytes at hand, the head goes out at once rather than waiting on the source.
  if (!parser.is_done() && src_buffer.size() == 0 && !pending_head.empty()) {
    watch.arm_after(idle, DeadlineWatch::Action::close_both);
    result.write_error =
        co_await write_piece(dst, pending_head, nullptr, 0, framing, false, result.bytes_written);
    if (result.write_error) co_return result;
    pending_head = {};
  }
  for (unsigned pieces = 1; !parser.is_done(); ++pieces) {
    // Reads and writes that complete at once never suspend: let the worker's other
    // connections (and the watchdog) run between pieces of a long body.
    if (pieces % kPiecesPerTurn == 0) co_await net::post(src.get_executor(), net::use_awaitable);
    body.data = buffer;
    body.size = buffer_size;
    watch.arm_after(idle, DeadlineWatch::Action::close_both);
    auto ec = co_await read_some(src, src_buffer, parser);
    if (ec == bhttp::error::need_buffer) ec = {};
    const std::size_t got = buffer_size - body.size;
    if (ec) {
      result.read_error = ec;
      co_return result;
    }
    if (got == 0 && !parser.is_done()) continue;
    watch.arm_after(idle, DeadlineWatch::Action::close_both);
    result.write_error = co_await write_piece(dst, pending_head, buffer, got, framing,
                                              parser.is_done(), result.bytes_written);
    pending_head = {};
    if (result.write_error) co_return result;
    if (parser.is_done()) co_return result;
  }
  // The body was complete before the loop: the head (and a terminator) are still owed.
  if (!pending_head.empty() || framing == BodyFraming::chunked) {
    watch.arm_after(idle, DeadlineWatch::Action::close_both);
    result.write_error =
        co_await write_piece(dst, pending_head, nullptr, 0, framing, true, result.bytes_written);
  }
  co_return result;
}

template net::awaitable<RelayResult> relay_body<true>(Stream&, boost::beast::flat_buffer&,
                                                      bhttp::basic_parser<true>&,
                                                      bhttp::buffer_body::value_type&, Stream&,
                                                      BodyFraming, std::string_view, char*,
                                                      std::size_t, DeadlineWatch&,
                                                      std::chrono::milliseconds);
template net::awaitable<RelayResult> relay_body<false>(Stream&, boost::beast::flat_buffer&,
                                                       bhttp::basic_parser<false>&,
                                                       bhttp::buffer_body::value_type&, Stream&,
                                                       BodyFraming, std::string_view, char*,
                                                       std::size_t, DeadlineWatch&,
                                                       std::chrono::milliseconds);

net::awaitable<void> pump_bytes(Stream& from, Stream& to, char* buffer, std::size_t buffer_size,
                                DeadlineWatch& watch, std::chrono::milliseconds idle) {
  for (;;) {
    watch.arm_after(idle, DeadlineWatch::Action::close_both);
    auto [ec, n] = co_await from.async_read_some(net::buffer(buffer, buffer_size),
                                                 net::as_tuple(net::use_awaitable));
    if (ec) break;
    auto [wec, w] =
        co_await net::async_write(to, net::buffer(buffer, n), net::as_tuple(net::use_awaitable));
    (void)w;
    if (wec) break;
  }
  boost::system::error_code ignored;
  if (!to.is_tls()) to.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace smart_router::http
