// The one way answers leave the router (see downstream.hpp).
#include "smart_router/http/downstream.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "smart_router/common/stream_io.hpp"
#include "smart_router/http/body_relay.hpp"
#include "smart_router/http/response_head_parser.hpp"
#include "smart_router/http/router_context.hpp"
#include "smart_router/upstream/connection_pool.hpp"

namespace smart_router::http {
namespace net = boost::asio;
using namespace net::experimental::awaitable_operators;

ClientFraming plan_client_framing(const ResponseHeadParser& rp, bool head_request,
                                  bool client_http10, bool keep_alive) {
  ClientFraming f;
  const unsigned status = rp.status();
  // RFC 9112 6.3: these never have content, whatever their fields say; and a 204 carries no
  // Transfer-Encoding or length (9110 8.6). Framed as the fields say, a chunked 204's
  // "0\r\n\r\n" would be taken for the start of the next answer on the client's connection.
  if (status < 200 || status == 204 || status == 304) {
    // (A 304 may carry the length the 200 would have, 9110 8.6: that claims no body here.)
    f.bogus_body = rp.chunked() || (status != 304 && rp.content_length().value_or(0) > 0);
    f.head.framing = BodyFraming::none;
    f.head.keep_alive = keep_alive;
    return f;
  }
  if (rp.chunked())
    f.upstream = BodyFraming::chunked;
  else if (rp.content_length())
    f.upstream = BodyFraming::content_length;
  else if (!rp.is_done())
    f.upstream = BodyFraming::until_close;

  auto& h = f.head;
  if (head_request) {
    h.framing = rp.content_length() ? BodyFraming::content_length : BodyFraming::none;
    h.content_length = rp.content_length().value_or(0);
  } else if (f.upstream == BodyFraming::content_length) {
    h.framing = BodyFraming::content_length;
    h.content_length = *rp.content_length();
  } else if (f.upstream == BodyFraming::none) {
    h.framing = BodyFraming::content_length;  // of 0
  } else {
    // Chunked or close-delimited upstream body: chunked to HTTP/1.1 clients.
    h.framing = client_http10 ? BodyFraming::until_close : BodyFraming::chunked;
  }
  h.keep_alive = keep_alive && h.framing != BodyFraming::until_close;
  return f;
}

net::awaitable<void> Downstream::answer(const LocalAnswer& a, std::string_view request_id) {
  if (started_) {
    keep_alive_ = false;  // mid-answer failure: the only signal left is closing
    co_return;
  }
  // An unread request body would be taken for the next request: close instead.
  if (!request_.is_done() || draining()) keep_alive_ = false;
  render_local_answer(a, request_id, keep_alive_, head_, http10_);
  started_ = true;
  conn_.watch.arm_after(idle_, DeadlineWatch::Action::cancel_client);
  const auto w = co_await write_all(conn_.stream, net::buffer(head_));
  bytes_sent_ += w.bytes;
  if (w.ec) keep_alive_ = false;
}

net::awaitable<bool> Downstream::send_continue() {
  // Rendered once: the connection's scratch holds the upstream request's head meanwhile.
  static const std::string kContinue = [] {
    LocalAnswer interim;
    interim.status = 100;
    std::string out;
    render_local_answer(interim, {}, true, out);
    return out;
  }();
  // A client that does not read is not waited on past idle_timeout_ms (no wait is unbounded).
  conn_.watch.arm_after(idle_, DeadlineWatch::Action::close_both);
  const auto w = co_await write_all(conn_.stream, net::buffer(kContinue));
  co_return !w.ec;
}

net::awaitable<bool> Downstream::relay_answer(upstream::UpstreamConnection& from,
                                              ResponseHeadParser& rp, std::string_view request_id,
                                              char* buffer, BufferPool& buffers) {
  const unsigned status = rp.status();
  if (status == 101) {
    // The head and the bytes that came with it are written before pump_bytes arms its own.
    conn_.watch.arm_after(idle_, DeadlineWatch::Action::close_both);
    ClientResponseHead h;
    h.request_id = request_id;
    h.upgrade = true;
    render_client_response(status, rp.reason(), rp.fields(), h, head_);
    const auto w = co_await write_all(conn_.stream, net::buffer(head_));
    started_ = true;
    bytes_sent_ += w.bytes;
    if (!w.ec) co_await tunnel(from, buffer, buffers);
    keep_alive_ = false;
    co_return false;
  }
  const bool head_request = request_.get().method() == boost::beast::http::verb::head;
  auto plan = plan_client_framing(rp, head_request, http10_, keep_alive_ && !draining());
  plan.head.request_id = request_id;
  plan.head.http10 = http10_;
  keep_alive_ = plan.head.keep_alive;
  render_client_response(status, rp.reason(), rp.fields(), plan.head, head_);

  started_ = true;
  const BodySink sink{conn_.stream, plan.head.framing, head_};
  const RelayBuffer via{buffer, BufferPool::kSize, conn_.watch, idle_};
  // The body of a head take_simple_head took is counted by LengthBody; any other, Beast parses.
  RelayResult r;
  if (rp.simple()) {
    auto& body = rp.length_body();
    r = co_await relay_body(BodySource<LengthBody>{from.stream, from.buffer, body, body.window()},
                            sink, via);
  } else {
    r = co_await relay_body(BodySource<ResponseHeadParser>{from.stream, from.buffer, rp, rp.body()},
                            sink, via);
  }
  bytes_sent_ += r.bytes_written;
  if (!r.ok()) keep_alive_ = false;  // a truncated answer: closing is the only signal
  co_return r.ok() && rp.is_done() && rp.keep_alive() && !plan.bogus_body &&
      plan.upstream != BodyFraming::until_close;
}

net::awaitable<void> Downstream::tunnel(upstream::UpstreamConnection& to, char* buffer,
                                        BufferPool& buffers) {
  constexpr auto kToken = net::as_tuple(net::use_awaitable);
  // Bytes that arrived behind the heads belong to the tunnel.
  if (to.buffer.size() > 0) {
    auto [ec, n] = co_await net::async_write(conn_.stream, to.buffer.data(), kToken);
    (void)n;
    if (ec) co_return;
    to.buffer.consume(to.buffer.size());
  }
  if (conn_.buffer.size() > 0) {
    auto [ec, n] = co_await net::async_write(to.stream, conn_.buffer.data(), kToken);
    (void)n;
    if (ec) co_return;
    conn_.buffer.consume(conn_.buffer.size());
  }
  auto second = buffers.take();
  const RelayBuffer up{buffer, BufferPool::kSize, conn_.watch, idle_};
  const RelayBuffer down{second.get(), BufferPool::kSize, conn_.watch, idle_};
  co_await (pump_bytes(conn_.stream, to.stream, up) || pump_bytes(to.stream, conn_.stream, down));
  buffers.give(std::move(second));
}

}  // namespace smart_router::http
