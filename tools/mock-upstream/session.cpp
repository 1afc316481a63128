#include "session.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <tuple>
#include <utility>

#include "hashing_body.hpp"
#include "respond.hpp"
#include "websocket.hpp"

namespace mock_upstream {

namespace {

// A parse failure deserves a 400; a client that went away (EOF, reset, cut mid-message) does not.
bool is_bad_request(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

bool expects_continue(const Request& req) {
  const auto it = req.find(http::field::expect);
  return it != req.end() && beast::iequals(it->value(), "100-continue");
}

constexpr std::size_t kIdleBufferLimit = std::size_t{16} * 1024;

void close_gracefully(tcp::socket& socket) {
  beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
}

}  // namespace

net::awaitable<void> run_session(tcp::socket socket, std::shared_ptr<State> state,
                                 std::uint64_t connection_id) {
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  beast::flat_buffer buffer;  // reused across requests; keeps pipelined bytes
  std::size_t bytes = 0;

  for (std::uint64_t index = 0;; ++index) {
    // A fresh parser per request (boostorg/beast#2715).
    http::request_parser<HashingBody> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(boost::none);

    std::tie(ec, bytes) = co_await http::async_read_header(socket, buffer, parser, kTok);
    if (ec) {
      if (is_bad_request(ec)) co_await reject_bad_request(socket, *state, ec);
      break;
    }

    if (beast::websocket::is_upgrade(parser.get())) {
      state->requests.fetch_add(1, std::memory_order_relaxed);
      auto message = parser.release();
      http::request<http::empty_body> upgrade{std::move(message.base())};
      co_await run_websocket(std::move(socket), std::move(upgrade), state);
      co_return;
    }

    if (!parser.is_done()) {
      if (expects_continue(parser.get())) {
        http::response<http::empty_body> go_on{http::status::continue_, 11};
        std::tie(ec, bytes) = co_await http::async_write(socket, go_on, kTok);
        if (ec) break;
      }
      std::tie(ec, bytes) = co_await http::async_read(socket, buffer, parser, kTok);
      if (ec) {
        if (is_bad_request(ec)) co_await reject_bad_request(socket, *state, ec);
        break;
      }
    }

    const ConnectionRef conn{connection_id, index};
    const Next next = co_await respond(socket, buffer, *state, parser.get(), conn);
    if (next == Next::close) break;
    // A big header or upload grew the buffer; idle keep-alive connections stay small.
    if (buffer.size() == 0 && buffer.capacity() > kIdleBufferLimit) buffer.shrink_to_fit();
  }
  close_gracefully(socket);
}

}  // namespace mock_upstream
