#include "smart_router/health/http_probe.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

namespace smart_router::health {
namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using namespace net::experimental::awaitable_operators;

namespace {

net::awaitable<bool> exchange(std::shared_ptr<upstream::Endpoint> ep, std::string request,
                              std::vector<unsigned> expected, std::uint32_t connect_ms,
                              upstream::UpstreamTlsParams tls) {
  boost::system::error_code ec;
  DeadlineWatch watch(co_await net::this_coro::executor);
  auto conn = co_await upstream::connect_upstream(ep, connect_ms, tls, watch, ec);
  watch.stop();
  if (!conn) co_return false;
  auto [wec, n] = co_await net::async_write(conn->stream, net::buffer(request),
                                            net::as_tuple(net::use_awaitable));
  (void)n;
  if (wec) co_return false;
  bhttp::response_parser<bhttp::empty_body> parser;
  parser.skip(true);  // the status line is all we need
  auto [rec, m] = co_await bhttp::async_read_header(conn->stream, conn->buffer, parser,
                                                    net::as_tuple(net::use_awaitable));
  (void)m;
  if (rec) co_return false;
  const unsigned status = parser.get().result_int();
  co_return std::find(expected.begin(), expected.end(), status) != expected.end();
}

}  // namespace

net::awaitable<bool> probe_http(std::shared_ptr<upstream::Endpoint> ep,
                                const config::HealthCheck& hc, std::uint32_t connect_ms,
                                upstream::UpstreamTlsParams tls) {
  std::string request = "GET " + hc.path + " HTTP/1.1\r\nHost: " + ep->host() +
                        "\r\nUser-Agent: smart-router-health\r\nConnection: close\r\n\r\n";
  net::steady_timer timer(co_await net::this_coro::executor);
  timer.expires_after(std::chrono::milliseconds(hc.timeout_ms));
  auto result = co_await (exchange(ep, std::move(request), hc.expected_status,
                                   std::min(connect_ms, hc.timeout_ms), tls) ||
                          timer.async_wait(net::as_tuple(net::use_awaitable)));
  co_return result.index() == 0 && std::get<0>(result);
}

}  // namespace smart_router::health
