#include "smart_router/http/header_rules.hpp"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <limits>
#include <string>
#include <vector>

namespace {

namespace bhttp = boost::beast::http;
using smart_router::http::BodyFraming;
using smart_router::http::ClientResponseHead;
using smart_router::http::iequals;
using smart_router::http::parse_connection;
using smart_router::http::render_client_response;
using smart_router::http::render_upstream_request;
using smart_router::http::UpstreamRequestHead;

// ---- helpers ----------------------------------------------------------------------------------

bhttp::request_header<> make_request(bhttp::verb method, const std::string& target) {
  bhttp::request_header<> req;
  req.method(method);
  req.target(target);
  req.version(11);
  req.insert("Host", "example.test");
  return req;
}

// An upstream's response head as ResponseHeadParser leaves it.
struct UpstreamResponse {
  unsigned status = 200;
  std::string reason;
  smart_router::http::FlatFields fields;
  void insert(std::string_view name, std::string_view value) { fields.insert(name, value); }
};

UpstreamResponse make_response(unsigned status, const std::string& reason = {}) {
  UpstreamResponse res;
  res.status = status;
  res.reason = reason;
  return res;
}

UpstreamRequestHead default_head() {
  UpstreamRequestHead h;
  h.request_id = "rid-123";
  h.peer_ip = "10.0.0.9";
  h.client_ip = "10.0.0.9";
  h.proto = "http";
  h.tier_header = "X-User-Tier";
  h.user_tier = "PRO";
  h.budget_ms = 750;
  return h;
}

// Parses a rendered head with Beast's strict parser: the bytes must form one valid HTTP/1.1
// message head and nothing else.
template <bool isRequest>
bhttp::header<isRequest> parse_head(const std::string& text) {
  bhttp::parser<isRequest, bhttp::string_body> p;
  p.eager(false);
  p.body_limit(std::numeric_limits<std::uint64_t>::max());  // only the head is parsed here
  boost::system::error_code ec;
  const auto used = p.put(boost::asio::buffer(text), ec);
  EXPECT_FALSE(ec) << ec.message() << "\n" << text;
  EXPECT_TRUE(p.is_header_done()) << text;
  EXPECT_EQ(used, text.size()) << "bytes after the head:\n" << text;
  return p.get().base();
}

bhttp::request_header<> upstream_of(const bhttp::request_header<>& req,
                                    const UpstreamRequestHead& info, std::string* raw = nullptr) {
  std::string out = "garbage that must be cleared";
  render_upstream_request(req, info, out);
  if (raw != nullptr) *raw = out;
  return parse_head<true>(out);
}

bhttp::response_header<> client_of(const UpstreamResponse& res, const ClientResponseHead& info,
                                   std::string* raw = nullptr) {
  std::string out = "garbage that must be cleared";
  render_client_response(res.status, res.reason, res.fields, info, out);
  if (raw != nullptr) *raw = out;
  return parse_head<false>(out);
}

std::vector<std::string> values(const bhttp::fields& f, const std::string& name) {
  std::vector<std::string> v;
  for (const auto& field : f)
    if (iequals(field.name_string(), name)) v.emplace_back(field.value());
  return v;
}

// The single value of a header that must appear exactly once.
std::string only(const bhttp::fields& f, const std::string& name) {
  const auto v = values(f, name);
  EXPECT_EQ(v.size(), 1u) << name;
  return v.empty() ? std::string("<absent>") : v.front();
}

// ---- iequals / is_hop_by_hop / parse_connection -----------------------------------------------

TEST(Iequals, IgnoresAsciiCaseOnly) {
  EXPECT_TRUE(iequals("Content-Length", "content-length"));
  EXPECT_TRUE(iequals("X-USER-TIER", "x-user-tier"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("abc", "abd"));
  EXPECT_FALSE(iequals("abc", "abcd"));
  EXPECT_FALSE(iequals("abcd", "abc"));
  EXPECT_FALSE(iequals("a", ""));
  // Case folding applies to letters only: '[' (0x5b) and '{' (0x7b) differ by the case bit.
  EXPECT_FALSE(iequals("[", "{"));
  EXPECT_FALSE(iequals("@", "`"));
  EXPECT_FALSE(iequals("x-a", "x\rA"));
}

TEST(ParseConnection, NoHeaderMeansNothing) {
  bhttp::fields f;
  const auto c = parse_connection(f);
  EXPECT_FALSE(c.close);
  EXPECT_FALSE(c.keep_alive);
  EXPECT_FALSE(c.upgrade);
}

TEST(ParseConnection, TokensAreCaseInsensitiveAndTrimmed) {
  bhttp::fields f;
  f.insert(bhttp::field::connection, "  Keep-Alive ,\tUPGRADE  ");
  const auto c = parse_connection(f);
  EXPECT_TRUE(c.keep_alive);
  EXPECT_TRUE(c.upgrade);
  EXPECT_FALSE(c.close);
}

TEST(ParseConnection, CombinesRepeatedConnectionHeaders) {
  bhttp::fields f;
  f.insert(bhttp::field::connection, "keep-alive");
  f.insert("X-Other", "close");  // not a Connection header
  f.insert(bhttp::field::connection, "close");
  const auto c = parse_connection(f);
  EXPECT_TRUE(c.keep_alive);
  EXPECT_TRUE(c.close);
  EXPECT_FALSE(c.upgrade);
}

TEST(ParseConnection, WholeTokensOnly) {
  bhttp::fields f;
  f.insert(bhttp::field::connection, "closed, upgrade-insecure, keep-alive-ish,,");
  const auto c = parse_connection(f);
  EXPECT_FALSE(c.close);
  EXPECT_FALSE(c.upgrade);
  EXPECT_FALSE(c.keep_alive);
}

// ---- render_upstream_request ------------------------------------------------------------------

TEST(RenderUpstreamRequest, RequestLineAndEndToEndHeadersPass) {
  auto req = make_request(bhttp::verb::get, "/api/v1/items?id=7&x=%20");
  req.insert("Accept", "application/json");
  req.insert("Cookie", "a=1");
  req.insert("X-Custom", "value with spaces");
  std::string raw;
  const auto up = upstream_of(req, default_head(), &raw);
  EXPECT_EQ(raw.rfind("GET /api/v1/items?id=7&x=%20 HTTP/1.1\r\n", 0), 0u) << raw;
  EXPECT_EQ(up.method(), bhttp::verb::get);
  EXPECT_EQ(up.target(), "/api/v1/items?id=7&x=%20");
  EXPECT_EQ(up.version(), 11u);
  EXPECT_EQ(only(up, "Host"), "example.test");
  EXPECT_EQ(only(up, "Accept"), "application/json");
  EXPECT_EQ(only(up, "Cookie"), "a=1");
  EXPECT_EQ(only(up, "X-Custom"), "value with spaces");
}

TEST(RenderUpstreamRequest, TraceContextIsTheAttemptsNeverTheClients) {
  auto req = make_request(bhttp::verb::get, "/t");
  req.insert("TraceParent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  req.insert("tracestate", "client=1");
  auto info = default_head();
  info.traceparent = "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01";
  info.tracestate = "rojo=1,congo=2";
  const auto up = upstream_of(req, info);
  EXPECT_EQ(only(up, "traceparent"), info.traceparent);
  EXPECT_EQ(only(up, "tracestate"), info.tracestate);
  info.tracestate = "";  // none to send: the client's is not passed on either
  EXPECT_TRUE(values(upstream_of(req, info), "tracestate").empty());
}

TEST(RenderUpstreamRequest, NormalisedTargetReplacesTheRequestsOwn) {
  auto req = make_request(bhttp::verb::get, "/api/v1/../v1/./premium//x?q=1");
  auto info = default_head();
  info.target = "/api/v1/premium/x?q=1";
  std::string raw;
  const auto up = upstream_of(req, info, &raw);
  EXPECT_EQ(raw.rfind("GET /api/v1/premium/x?q=1 HTTP/1.1\r\n", 0), 0u) << raw;
  EXPECT_EQ(up.target(), "/api/v1/premium/x?q=1");
  info.target = {};  // empty: the request's own target, unchanged
  EXPECT_EQ(upstream_of(req, info).target(), "/api/v1/../v1/./premium//x?q=1");
}

TEST(RenderUpstreamRequest, ExtensionMethodIsKept) {
  bhttp::request_header<> req;
  req.method_string("PURGE");
  req.target("/cache/x");
  req.version(11);
  req.insert("Host", "h");
  std::string raw;
  upstream_of(req, default_head(), &raw);
  EXPECT_EQ(raw.rfind("PURGE /cache/x HTTP/1.1\r\n", 0), 0u) << raw;
}

TEST(RenderUpstreamRequest, Http10ClientIsForwardedAsHttp11) {
  auto req = make_request(bhttp::verb::get, "/");
  req.version(10);
  const auto up = upstream_of(req, default_head());
  EXPECT_EQ(up.version(), 11u);
}

TEST(RenderUpstreamRequest, ViaGrowsByThisHopAfterTheClientsOwn) {
  auto req = make_request(bhttp::verb::get, "/");
  req.insert("Via", "1.1 cdn-edge");
  req.insert("Via", "1.0 lb (Proxy/2.0)");
  auto info = default_head();
  info.via = "smart-router";
  EXPECT_EQ(values(upstream_of(req, info), "Via"),
            (std::vector<std::string>{"1.1 cdn-edge", "1.0 lb (Proxy/2.0)", "1.1 smart-router"}));
  info.http10 = true;  // the protocol the router received the request in
  EXPECT_EQ(values(upstream_of(make_request(bhttp::verb::get, "/"), info), "Via"),
            (std::vector<std::string>{"1.0 smart-router"}));
  info.via = {};  // server.via: "": the client's fields pass, none is added
  EXPECT_EQ(values(upstream_of(req, info), "Via"),
            (std::vector<std::string>{"1.1 cdn-edge", "1.0 lb (Proxy/2.0)"}));
}

TEST(RenderUpstreamRequest, RemovesHopByHopHeaders) {
  auto req = make_request(bhttp::verb::get, "/");
  req.insert("Connection", "keep-alive");
  req.insert("Keep-Alive", "timeout=5, max=100");
  req.insert("Proxy-Connection", "keep-alive");
  req.insert("TE", "trailers");
  req.insert("Trailer", "X-Checksum");
  req.insert("Upgrade", "h2c");
  req.insert("Proxy-Authorization", "Basic Zm9vOmJhcg==");
  req.insert("Accept", "*/*");
  const auto up = upstream_of(req, default_head());
  for (const char* name : {"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer",
                           "Upgrade", "Proxy-Authorization"})
    EXPECT_TRUE(values(up, name).empty()) << name;
  EXPECT_EQ(only(up, "Accept"), "*/*");
}

TEST(RenderUpstreamRequest, RemovesHeadersNamedInConnection) {
  auto req = make_request(bhttp::verb::get, "/");
  req.insert("Connection", "close, X-Secret-Hop");
  req.insert("Connection", "x-other-hop");
  req.insert("X-Secret-Hop", "1");
  req.insert("X-Other-Hop", "2");
  req.insert("X-Keep", "3");
  const auto up = upstream_of(req, default_head());
  EXPECT_TRUE(values(up, "X-Secret-Hop").empty());
  EXPECT_TRUE(values(up, "X-Other-Hop").empty());
  EXPECT_TRUE(values(up, "Connection").empty());
  EXPECT_EQ(only(up, "X-Keep"), "3");
}

TEST(RenderUpstreamRequest, ConnectionCannotStripTheProxysOwnHeaders) {
  // A client naming X-Request-Id or X-User-Tier in Connection must not make them disappear:
  // the router writes them itself after the copy.
  auto req = make_request(bhttp::verb::get, "/");
  req.insert("Connection", "X-Request-Id, X-User-Tier, X-Forwarded-For");
  const auto up = upstream_of(req, default_head());
  EXPECT_EQ(only(up, "X-Request-Id"), "rid-123");
  EXPECT_EQ(only(up, "X-User-Tier"), "PRO");
  EXPECT_EQ(only(up, "X-Forwarded-For"), "10.0.0.9");
}

TEST(RenderUpstreamRequest, ConnectionCannotStripHost) {
  // RFC 9110 7.6.1 forbids naming Host in Connection; obeyed, the upstream would get an
  // HTTP/1.1 request without one. Other fields it names still go.
  auto req = make_request(bhttp::verb::get, "/");
  req.insert("X-Hop", "1");
  req.insert("Connection", "Host, X-Hop");
  const auto up = upstream_of(req, default_head());
  EXPECT_EQ(only(up, "Host"), "example.test");
  EXPECT_TRUE(values(up, "X-Hop").empty());
}

TEST(RenderUpstreamRequest, XForwardedForIsThePeerWhenAbsent) {
  const auto up = upstream_of(make_request(bhttp::verb::get, "/"), default_head());
  EXPECT_EQ(only(up, "X-Forwarded-For"), "10.0.0.9");
}

TEST(RenderUpstreamRequest, XForwardedForIsAppendedToInOneLine) {
  // What the client sent (every line, in order, empty ones skipped), then the peer: the
  // contract's "appended", as nginx's $proxy_add_x_forwarded_for.
  auto req = make_request(bhttp::verb::get, "/");
  req.insert("x-forwarded-for", "203.0.113.7, 198.51.100.2");
  req.insert("X-Forwarded-For", "");
  req.insert("X-Forwarded-For", "192.0.2.2");
  const auto up = upstream_of(req, default_head());
  EXPECT_EQ(only(up, "X-Forwarded-For"), "203.0.113.7, 198.51.100.2, 192.0.2.2, 10.0.0.9");
}

TEST(RenderUpstreamRequest, XRealIpIsTheDecidedClientNeverTheClientsClaim) {
  auto req = make_request(bhttp::verb::get, "/");
  req.insert("X-Forwarded-For", "198.51.100.66, 203.0.113.7");
  req.insert("X-Real-IP", "198.51.100.66");
  auto info = default_head();
  info.client_ip = "203.0.113.7";  // what the walk over trusted proxies found
  const auto up = upstream_of(req, info);
  EXPECT_EQ(only(up, "X-Real-IP"), "203.0.113.7");
  EXPECT_EQ(only(up, "X-Forwarded-For"), "198.51.100.66, 203.0.113.7, 10.0.0.9");
}

TEST(RenderUpstreamRequest, IPv6PeerInXForwardedFor) {
  auto info = default_head();
  info.peer_ip = "2001:db8::7";
  const auto up = upstream_of(make_request(bhttp::verb::get, "/"), info);
  EXPECT_EQ(only(up, "X-Forwarded-For"), "2001:db8::7");
}

TEST(RenderUpstreamRequest, XForwardedProtoIsSetNotCopied) {
  auto req = make_request(bhttp::verb::get, "/");
  req.insert("X-Forwarded-Proto", "https");
  EXPECT_EQ(only(upstream_of(req, default_head()), "X-Forwarded-Proto"), "http");
  auto info = default_head();
  info.proto = "https";
  EXPECT_EQ(only(upstream_of(make_request(bhttp::verb::get, "/"), info), "X-Forwarded-Proto"),
            "https");
}

TEST(RenderUpstreamRequest, XRequestIdIsOursExactlyOnce) {
  auto req = make_request(bhttp::verb::get, "/");
  req.insert("X-Request-Id", "client-sent-id");
  req.insert("x-request-id", "second-one");
  EXPECT_EQ(only(upstream_of(req, default_head()), "X-Request-Id"), "rid-123");
}

TEST(RenderUpstreamRequest, ClaimedTierIsReplacedByTheEffectiveOne) {
  auto req = make_request(bhttp::verb::get, "/");
  req.insert("x-user-tier", "ELITE");
  req.insert("X-USER-TIER", "VOID");
  EXPECT_EQ(only(upstream_of(req, default_head()), "X-User-Tier"), "PRO");
}

TEST(RenderUpstreamRequest, CustomTierHeaderIsRemovedAndXUserTierStillReplaced) {
  auto req = make_request(bhttp::verb::get, "/");
  req.insert("x-customer-plan", "ELITE");
  req.insert("X-User-Tier", "BLACK");  // a spoof on the contract's name too
  auto info = default_head();
  info.tier_header = "X-Customer-Plan";
  info.user_tier = "LITE";
  std::string raw;
  const auto up = upstream_of(req, info, &raw);
  EXPECT_TRUE(values(up, "X-Customer-Plan").empty()) << raw;
  EXPECT_EQ(only(up, "X-User-Tier"), "LITE");
  EXPECT_EQ(raw.find("ELITE"), std::string::npos) << raw;
  EXPECT_EQ(raw.find("BLACK"), std::string::npos) << raw;
}

TEST(RenderUpstreamRequest, BudgetHeaderIsOursAndNeverNegative) {
  auto req = make_request(bhttp::verb::get, "/");
  req.insert("X-Request-Budget-Ms", "999999");
  EXPECT_EQ(only(upstream_of(req, default_head()), "X-Request-Budget-Ms"), "750");
  auto info = default_head();
  info.budget_ms = -40;  // the deadline already passed
  EXPECT_EQ(only(upstream_of(req, info), "X-Request-Budget-Ms"), "0");
  info.budget_ms = 0;
  EXPECT_EQ(only(upstream_of(req, info), "X-Request-Budget-Ms"), "0");
}

TEST(RenderUpstreamRequest, ContentLengthFraming) {
  auto req = make_request(bhttp::verb::post, "/upload");
  req.insert("Content-Length", "12");
  req.insert("Content-Type", "text/plain");
  auto info = default_head();
  info.framing = BodyFraming::content_length;
  info.content_length = 12;
  const auto up = upstream_of(req, info);
  EXPECT_EQ(only(up, "Content-Length"), "12");
  EXPECT_TRUE(values(up, "Transfer-Encoding").empty());
  EXPECT_EQ(only(up, "Content-Type"), "text/plain");
}

TEST(RenderUpstreamRequest, ZeroContentLengthIsStillWritten) {
  auto info = default_head();
  info.framing = BodyFraming::content_length;
  info.content_length = 0;
  const auto up = upstream_of(make_request(bhttp::verb::post, "/"), info);
  EXPECT_EQ(only(up, "Content-Length"), "0");
}

TEST(RenderUpstreamRequest, LargeContentLength) {
  auto info = default_head();
  info.framing = BodyFraming::content_length;
  info.content_length = 5'000'000'000ULL;  // above 32 bits
  const auto up = upstream_of(make_request(bhttp::verb::put, "/"), info);
  EXPECT_EQ(only(up, "Content-Length"), "5000000000");
}

TEST(RenderUpstreamRequest, ChunkedFramingAndClientTransferEncodingNeverCopied) {
  auto req = make_request(bhttp::verb::post, "/");
  req.insert("Transfer-Encoding", "gzip, chunked");
  auto info = default_head();
  info.framing = BodyFraming::chunked;
  const auto up = upstream_of(req, info);
  EXPECT_EQ(only(up, "Transfer-Encoding"), "chunked");
  EXPECT_TRUE(values(up, "Content-Length").empty());
}

TEST(RenderUpstreamRequest, SmuggledContentLengthBesideChunkedIsDropped) {
  // A request with both framings (RFC 9112 6.1): the router decides; the upstream sees only one.
  auto req = make_request(bhttp::verb::post, "/");
  req.insert("Content-Length", "4");
  req.insert("Transfer-Encoding", "chunked");
  auto info = default_head();
  info.framing = BodyFraming::chunked;
  const auto up = upstream_of(req, info);
  EXPECT_EQ(only(up, "Transfer-Encoding"), "chunked");
  EXPECT_TRUE(values(up, "Content-Length").empty());
}

TEST(RenderUpstreamRequest, NoBodyMeansNoFramingHeaders) {
  auto req = make_request(bhttp::verb::get, "/");
  req.insert("Content-Length", "0");
  req.insert("Transfer-Encoding", "chunked");
  const auto up = upstream_of(req, default_head());
  EXPECT_TRUE(values(up, "Content-Length").empty());
  EXPECT_TRUE(values(up, "Transfer-Encoding").empty());
}

TEST(RenderUpstreamRequest, ExpectIsRemoved) {
  auto req = make_request(bhttp::verb::post, "/");
  req.insert("Expect", "100-continue");
  req.insert("Content-Length", "3");
  auto info = default_head();
  info.framing = BodyFraming::content_length;
  info.content_length = 3;
  const auto up = upstream_of(req, info);
  EXPECT_TRUE(values(up, "Expect").empty());
}

TEST(RenderUpstreamRequest, NonUpgradeRequestDropsUpgrade) {
  auto req = make_request(bhttp::verb::get, "/chat");
  req.insert("Connection", "Upgrade");
  req.insert("Upgrade", "websocket");
  const auto up = upstream_of(req, default_head());  // info.upgrade == false
  EXPECT_TRUE(values(up, "Upgrade").empty());
  EXPECT_FALSE(parse_connection(up).upgrade);
}

TEST(RenderUpstreamRequest, WebsocketUpgradeKeepsUpgradeAndConnectionUpgrade) {
  auto req = make_request(bhttp::verb::get, "/chat");
  req.insert("Connection", "keep-alive, Upgrade");
  req.insert("Upgrade", "websocket");
  req.insert("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
  req.insert("Sec-WebSocket-Version", "13");
  auto info = default_head();
  info.upgrade = true;
  const auto up = upstream_of(req, info);
  EXPECT_EQ(only(up, "Upgrade"), "websocket");
  EXPECT_EQ(values(up, "Connection").size(), 1u);
  EXPECT_TRUE(parse_connection(up).upgrade);
  EXPECT_EQ(only(up, "Sec-WebSocket-Key"), "dGhlIHNhbXBsZSBub25jZQ==");
  EXPECT_EQ(only(up, "Sec-WebSocket-Version"), "13");
  EXPECT_EQ(only(up, "X-User-Tier"), "PRO");
  // The client's list with another protocol beside websocket (h2c smuggling): only websocket,
  // written by the router, goes on.
  auto mixed = make_request(bhttp::verb::get, "/chat");
  mixed.insert("Connection", "Upgrade");
  mixed.insert("Upgrade", "h2c");
  mixed.insert("Upgrade", "WebSocket, h2c");
  EXPECT_EQ(only(upstream_of(mixed, info), "Upgrade"), "websocket");
}

TEST(RenderUpstreamRequest, OutputIsReplacedNotAppended) {
  std::string out = "previous request bytes";
  render_upstream_request(make_request(bhttp::verb::get, "/a"), default_head(), out);
  EXPECT_EQ(out.rfind("GET /a HTTP/1.1\r\n", 0), 0u);
  ASSERT_GE(out.size(), 4u);
  EXPECT_EQ(out.substr(out.size() - 4), "\r\n\r\n");
  EXPECT_EQ(out.find("\r\n\r\n"), out.size() - 4);  // one head, nothing after it
}

// Every optional part at once, at its longest: the head is written into exactly what it was
// sized for (an assert in the writer stops a Debug build one byte past it).
TEST(RenderUpstreamRequest, EveryPartAtItsLongestIsWrittenWhole) {
  auto req = make_request(bhttp::verb::get, "/" + std::string(4000, 'p'));
  for (int i = 0; i < 50; ++i) req.insert("X-Extra-" + std::to_string(i), std::string(100, 'v'));
  req.insert("Upgrade", "websocket");
  req.insert("Connection", "Upgrade");
  const std::string chain(300, '1');
  const std::string id(200, 'r');
  const std::string tier(64, 'T');
  const std::string traceparent = "00-" + std::string(32, 'a') + "-" + std::string(16, 'b') + "-01";
  const std::string tracestate(512, 's');
  auto info = default_head();
  req.insert("X-Forwarded-For", chain);
  std::string appended = chain;
  for (int i = 0; i < 20; ++i) {  // short lines: each one's ", " fits in what its line took
    req.insert("X-Forwarded-For", "2");
    appended += ", 2";
  }
  const std::string via(64, 'v');
  info.via = via;
  info.http10 = true;
  info.grpc_timeout = true;  // the rewritten grpc-timeout at its longest
  info.client_ip = "fd00:1234:5678:9abc:def0:1234:5678:9abd";
  info.peer_ip = "fd00:1234:5678:9abc:def0:1234:5678:9abc";
  info.proto = "https";
  info.request_id = id;
  info.user_tier = tier;
  info.budget_ms = std::numeric_limits<std::int64_t>::max();
  info.traceparent = traceparent;
  info.tracestate = tracestate;
  info.upgrade = true;
  info.framing = BodyFraming::content_length;
  info.content_length = std::numeric_limits<std::uint64_t>::max();
  std::string raw;
  const auto up = upstream_of(req, info, &raw);
  EXPECT_EQ(up.target(), "/" + std::string(4000, 'p'));
  EXPECT_EQ(only(up, "X-Extra-49"), std::string(100, 'v'));
  EXPECT_EQ(only(up, "X-Forwarded-For"), appended + ", " + std::string(info.peer_ip));
  EXPECT_EQ(only(up, "Via"), "1.0 " + via);
  EXPECT_EQ(only(up, "Upgrade"), "websocket");
  EXPECT_EQ(only(up, "X-Request-Id"), id);
  EXPECT_EQ(only(up, "X-User-Tier"), tier);
  EXPECT_EQ(only(up, "X-Request-Budget-Ms"), "9223372036854775807");
  EXPECT_EQ(only(up, "tracestate"), tracestate);
  EXPECT_EQ(only(up, "Content-Length"), "18446744073709551615");
  EXPECT_EQ(only(up, "Upgrade"), "websocket");
}

// ---- render_client_response -------------------------------------------------------------------

ClientResponseHead client_head(BodyFraming framing = BodyFraming::content_length,
                               std::uint64_t length = 5) {
  ClientResponseHead h;
  h.request_id = "rid-123";
  h.framing = framing;
  h.content_length = length;
  return h;
}

TEST(RenderClientResponse, StatusLineKeepsTheUpstreamsReason) {
  std::string raw;
  const auto res = client_of(make_response(200, "Fine Thanks"), client_head(), &raw);
  EXPECT_EQ(raw.rfind("HTTP/1.1 200 Fine Thanks\r\n", 0), 0u) << raw;
  EXPECT_EQ(res.result_int(), 200u);
}

TEST(RenderClientResponse, MissingReasonGetsTheStandardOne) {
  std::string raw;
  client_of(make_response(404), client_head(), &raw);
  EXPECT_EQ(raw.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u) << raw;
}

TEST(RenderClientResponse, RemovesHopByHopAndConnectionNamedHeaders) {
  auto res = make_response(200);
  res.insert("Connection", "keep-alive, X-Upstream-Hop");
  res.insert("Keep-Alive", "timeout=5");
  res.insert("X-Upstream-Hop", "1");
  res.insert("Proxy-Authenticate", "Basic");
  res.insert("Trailer", "X-Checksum");
  res.insert("Upgrade", "h2c");
  res.insert("Transfer-Encoding", "chunked");
  res.insert("Content-Type", "text/html");
  const auto out = client_of(res, client_head(BodyFraming::chunked));
  for (const char* name :
       {"Keep-Alive", "X-Upstream-Hop", "Proxy-Authenticate", "Trailer", "Upgrade"})
    EXPECT_TRUE(values(out, name).empty()) << name;
  EXPECT_TRUE(values(out, "Connection").empty());
  EXPECT_EQ(only(out, "Transfer-Encoding"), "chunked");
  EXPECT_EQ(only(out, "Content-Type"), "text/html");
}

TEST(RenderClientResponse, ConnectionHeadersApartStillNameFields) {
  auto res = make_response(200);
  res.insert("Connection", "keep-alive");
  res.insert("X-Hop-A", "1");
  res.insert("Content-Type", "text/plain");
  res.insert("X-Hop-B", "2");
  res.insert("Connection", "X-Hop-A, x-hop-b");  // a second Connection line, not adjacent
  const auto out = client_of(res, client_head());
  EXPECT_TRUE(values(out, "X-Hop-A").empty());
  EXPECT_TRUE(values(out, "X-Hop-B").empty());
  EXPECT_EQ(only(out, "Content-Type"), "text/plain");
}

TEST(RenderClientResponse, RequestIdIsReplacedWithOurs) {
  auto res = make_response(200);
  res.insert("X-Request-Id", "upstream-made-this-up");
  EXPECT_EQ(only(client_of(res, client_head()), "X-Request-Id"), "rid-123");
  EXPECT_EQ(only(client_of(make_response(200), client_head()), "X-Request-Id"), "rid-123");
}

TEST(RenderClientResponse, ConnectionCloseOnlyWhenNotKeepingAlive) {
  auto res = make_response(200);
  res.insert("Connection", "close");  // the upstream's connection, not the client's
  auto info = client_head();
  info.keep_alive = true;
  const auto kept = client_of(res, info);
  EXPECT_FALSE(parse_connection(kept).close);

  info.keep_alive = false;
  const auto closing = client_of(make_response(200), info);
  EXPECT_EQ(values(closing, "Connection").size(), 1u);
  EXPECT_TRUE(parse_connection(closing).close);
}

TEST(RenderClientResponse, ContentLengthFramingReplacesTheUpstreams) {
  auto res = make_response(200);
  res.insert("Content-Length", "999");
  const auto out = client_of(res, client_head(BodyFraming::content_length, 42));
  EXPECT_EQ(only(out, "Content-Length"), "42");
  EXPECT_TRUE(values(out, "Transfer-Encoding").empty());
}

TEST(RenderClientResponse, ChunkedFraming) {
  auto res = make_response(200);
  res.insert("Content-Length", "10");
  const auto out = client_of(res, client_head(BodyFraming::chunked));
  EXPECT_EQ(only(out, "Transfer-Encoding"), "chunked");
  EXPECT_TRUE(values(out, "Content-Length").empty());
}

TEST(RenderClientResponse, NoBodyNoFraming) {
  auto res = make_response(304);
  res.insert("ETag", "\"abc\"");
  const auto out = client_of(res, client_head(BodyFraming::none));
  EXPECT_TRUE(values(out, "Content-Length").empty());
  EXPECT_TRUE(values(out, "Transfer-Encoding").empty());
  EXPECT_EQ(only(out, "ETag"), "\"abc\"");
}

TEST(RenderClientResponse, RepeatedSetCookieStaysSeparate) {
  auto res = make_response(200);
  res.insert("Set-Cookie", "a=1; Path=/");
  res.insert("Set-Cookie", "b=2; Expires=Wed, 21 Oct 2015 07:28:00 GMT");
  const auto out = client_of(res, client_head());
  const auto cookies = values(out, "Set-Cookie");
  ASSERT_EQ(cookies.size(), 2u);
  EXPECT_EQ(cookies[0], "a=1; Path=/");
  EXPECT_EQ(cookies[1], "b=2; Expires=Wed, 21 Oct 2015 07:28:00 GMT");
}

TEST(RenderClientResponse, SwitchingProtocolsKeepsUpgrade) {
  auto res = make_response(101, "Switching Protocols");
  res.insert("Upgrade", "websocket");
  res.insert("Connection", "Upgrade");
  res.insert("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  auto info = client_head(BodyFraming::none);
  info.upgrade = true;
  std::string raw;
  const auto out = client_of(res, info, &raw);
  EXPECT_EQ(out.result_int(), 101u);
  EXPECT_EQ(only(out, "Upgrade"), "websocket");
  EXPECT_EQ(values(out, "Connection").size(), 1u) << raw;
  EXPECT_TRUE(parse_connection(out).upgrade);
  EXPECT_EQ(only(out, "Sec-WebSocket-Accept"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_EQ(only(out, "X-Request-Id"), "rid-123");
  // RFC 9110 15.2: a 1xx response has no content, so no framing headers.
  EXPECT_TRUE(values(out, "Content-Length").empty());
  EXPECT_TRUE(values(out, "Transfer-Encoding").empty());
}

TEST(RenderClientResponse, EveryPartAtItsLongestIsWrittenWhole) {
  auto res = make_response(511);  // no reason: the standard one, among the longest
  for (int i = 0; i < 50; ++i) res.insert("X-Extra-" + std::to_string(i), std::string(100, 'v'));
  const std::string id(200, 'r');
  auto head = client_head(BodyFraming::content_length, std::numeric_limits<std::uint64_t>::max());
  head.request_id = id;
  head.keep_alive = false;
  std::string raw;
  const auto out = client_of(res, head, &raw);
  EXPECT_EQ(raw.rfind("HTTP/1.1 511 Network Authentication Required\r\n", 0), 0u) << raw;
  EXPECT_EQ(only(out, "X-Extra-49"), std::string(100, 'v'));
  EXPECT_EQ(only(out, "X-Request-Id"), id);
  EXPECT_EQ(only(out, "Content-Length"), "18446744073709551615");
  EXPECT_EQ(only(out, "Connection"), "close");
}

}  // namespace
