#include "smart_router/upstream/https_get.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include "smart_router/common/with_timeout.hpp"
#include "smart_router/upstream/upstream_connector.hpp"

namespace smart_router::upstream {
namespace net = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

constexpr auto kToken = net::as_tuple(net::use_awaitable);

std::string bracketed(const config::HostPort& hp) {
  return hp.ipv6 ? "[" + hp.host + "]" : hp.host;
}

// The Host header: the port only when it is not https's own.
std::string authority(const config::HostPort& hp) {
  return hp.port == 443 ? bracketed(hp) : bracketed(hp) + ":" + std::to_string(hp.port);
}

net::awaitable<HttpsGetResult> exchange(config::HttpsUrl url, net::ssl::context* tls,
                                        std::uint32_t connect_ms, std::size_t max_body) {
  HttpsGetResult out;
  const std::string host = authority(url.endpoint);
  auto ep = std::make_shared<Endpoint>(
      "", bracketed(url.endpoint) + ":" + std::to_string(url.endpoint.port));
  boost::system::error_code ec;
  DeadlineWatch watch(co_await net::this_coro::executor);
  UpstreamTlsParams params{tls, url.endpoint.host, true};
  auto conn = co_await connect_upstream(ep, connect_ms, params, watch, ec);
  watch.stop();
  if (!conn) {
    out.error = "cannot connect to " + host + ": " + ec.message();
    co_return out;
  }
  const std::string request = "GET " + url.target + " HTTP/1.1\r\nHost: " + host +
                              "\r\nAccept: application/json\r\nUser-Agent: smart-router\r\n"
                              "Connection: close\r\n\r\n";
  auto [wec, written] = co_await net::async_write(conn->stream, net::buffer(request), kToken);
  (void)written;
  if (wec) {
    out.error = "cannot send the request: " + wec.message();
    co_return out;
  }
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(max_body);
  auto [rec, read] = co_await bhttp::async_read(conn->stream, conn->buffer, parser, kToken);
  (void)read;
  // A server that closes without a TLS close_notify after a complete answer is fine.
  if (rec && !parser.is_done()) {
    out.error = "bad answer: " + rec.message();
    co_return out;
  }
  if (parser.get().result_int() != 200) {
    out.error = "HTTP " + std::to_string(parser.get().result_int());
    co_return out;
  }
  out.body = std::move(parser.get().body());
  out.ok = true;
  co_return out;
}

}  // namespace

net::awaitable<HttpsGetResult> https_get(config::HttpsUrl url, net::ssl::context& tls,
                                         std::chrono::milliseconds timeout, std::size_t max_body) {
  const auto connect_ms = static_cast<std::uint32_t>(timeout.count());
  // Named first: g++ 12 destroys temporaries of a co_await expression twice.
  auto work = exchange(std::move(url), &tls, connect_ms, max_body);
  auto result = co_await with_timeout(std::move(work), timeout);
  if (result) co_return std::move(*result);
  HttpsGetResult out;
  out.error = "no answer within " + std::to_string(timeout.count()) + " ms";
  co_return out;
}

}  // namespace smart_router::upstream
