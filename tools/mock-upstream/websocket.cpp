#include "websocket.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <string>
#include <tuple>
#include <utility>

namespace mock_upstream {

namespace websocket = beast::websocket;

namespace {

// Adds X-Upstream to the 101 answer. A plain functor, not a capturing lambda (g++ 12).
struct UpstreamHeader {
  std::string name;
  void operator()(websocket::response_type& res) const { res.set("X-Upstream", name); }
};

}  // namespace

net::awaitable<void> run_websocket(tcp::socket socket, http::request<http::empty_body> upgrade,
                                   std::shared_ptr<State> state) {
  websocket::stream<tcp::socket> ws{std::move(socket)};
  ws.set_option(websocket::stream_base::decorator(UpstreamHeader{state->name}));

  auto [ec] = co_await ws.async_accept(upgrade, kTok);
  if (ec) co_return;

  beast::flat_buffer in;
  std::string out;
  std::size_t bytes = 0;
  for (;;) {
    std::tie(ec, bytes) = co_await ws.async_read(in, kTok);
    if (ec) co_return;  // websocket::error::closed after the close handshake, or client gone
    out.assign(state->name).append(": ");
    const net::const_buffer message = in.cdata();
    out.append(static_cast<const char*>(message.data()), message.size());
    in.consume(in.size());
    ws.text(ws.got_text());
    std::tie(ec, bytes) = co_await ws.async_write(net::buffer(out), kTok);
    if (ec) co_return;
  }
}

}  // namespace mock_upstream
