#include "smart_router/http/error_response.hpp"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

namespace bhttp = boost::beast::http;
using smart_router::ErrorKind;
using smart_router::ProxyError;
using smart_router::http::error_status;
using smart_router::http::reason_phrase;
using smart_router::http::status_of;

struct Expected {
  ErrorKind kind;
  unsigned status;
  const char* code;
  bool retry_after;
};

// The contract's table of the router's own errors.
const std::vector<Expected>& contract_table() {
  static const std::vector<Expected> table = {
      {ErrorKind::bad_request, 400, "bad_request", false},
      {ErrorKind::unknown_tier, 400, "unknown_tier", false},
      {ErrorKind::unauthorized, 401, "unauthorized", false},
      {ErrorKind::no_route, 404, "no_route", false},
      {ErrorKind::request_timeout, 408, "request_timeout", false},
      {ErrorKind::payload_too_large, 413, "payload_too_large", false},
      {ErrorKind::headers_too_large, 431, "headers_too_large", false},
      {ErrorKind::rate_limited, 429, "rate_limited", true},
      {ErrorKind::bad_gateway, 502, "bad_gateway", false},
      {ErrorKind::no_healthy_upstream, 503, "no_healthy_upstream", true},
      {ErrorKind::overloaded, 503, "overloaded", true},
      {ErrorKind::upstream_timeout, 504, "upstream_timeout", false},
      // Beyond the contract (strict HTTP/1.1, server.allowed_methods).
      {ErrorKind::method_not_allowed, 405, "method_not_allowed", false},
      {ErrorKind::not_implemented, 501, "not_implemented", false},
  };
  return table;
}

// The bytes of an error answer, as the client receives them.
std::string render_error(const ProxyError& err, std::string_view request_id, bool keep_alive) {
  const smart_router::http::ErrorAnswer answer(err, request_id);
  std::string out;
  smart_router::http::render_local_answer(answer.answer(), request_id, keep_alive, out);
  return out;
}

ProxyError error_of(ErrorKind kind, std::string message = {}) {
  ProxyError e;
  e.kind = kind;
  e.message = std::move(message);
  return e;
}

// A whole response parsed strictly: the head, then exactly Content-Length bytes of body and
// nothing after them.
struct Parsed {
  bhttp::response<bhttp::string_body> msg;
  nlohmann::json body;
};

Parsed parse(const std::string& text) {
  bhttp::response_parser<bhttp::string_body> p;
  boost::system::error_code ec;
  std::size_t used = 0;
  while (used < text.size() && !p.is_done()) {
    const auto n = p.put(boost::asio::buffer(text.data() + used, text.size() - used), ec);
    if (ec) break;
    used += n;
    if (n == 0) break;
  }
  EXPECT_FALSE(ec) << ec.message() << "\n" << text;
  EXPECT_TRUE(p.is_done()) << text;
  EXPECT_EQ(used, text.size()) << "bytes beyond Content-Length:\n" << text;
  Parsed out;
  out.msg = p.release();
  out.body = nlohmann::json::parse(out.msg.body(), nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(out.body.is_discarded()) << out.msg.body();
  return out;
}

TEST(ErrorStatus, EveryKindMapsToTheContractsStatusAndCode) {
  for (const auto& e : contract_table()) {
    const auto s = error_status(e.kind);
    EXPECT_EQ(s.status, e.status) << e.code;
    EXPECT_EQ(s.code, e.code);
    EXPECT_FALSE(s.default_message.empty()) << e.code;
    if (e.retry_after)
      EXPECT_GT(s.retry_after_s, 0u) << e.code;
    else
      EXPECT_EQ(s.retry_after_s, 0u) << e.code;
    EXPECT_EQ(status_of(error_of(e.kind)), e.status) << e.code;
  }
}

TEST(ErrorStatus, RouteRespondUsesTheRoutesStatus) {
  ProxyError e = error_of(ErrorKind::route_respond);
  e.respond_status = 451;
  e.respond_code = "unavailable_for_legal_reasons";
  EXPECT_EQ(status_of(e), 451u);
  e.respond_status = 0;  // not set: the contract's 403
  EXPECT_EQ(status_of(e), 403u);
}

TEST(ReasonPhrase, StandardPhrases) {
  EXPECT_EQ(reason_phrase(404), "Not Found");
  EXPECT_EQ(reason_phrase(503), "Service Unavailable");
  EXPECT_EQ(reason_phrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(reason_phrase(504), "Gateway Timeout");
}

TEST(RenderError, EveryKindIsAValidResponseWithTheContractsJson) {
  for (const auto& e : contract_table()) {
    SCOPED_TRACE(e.code);
    const std::string text = render_error(error_of(e.kind), "rid-42", true);
    const Parsed p = parse(text);
    EXPECT_EQ(p.msg.result_int(), e.status);
    EXPECT_EQ(p.msg.version(), 11u);
    EXPECT_EQ(text.rfind("HTTP/1.1 " + std::to_string(e.status) + " " +
                             std::string(reason_phrase(e.status)) + "\r\n",
                         0),
              0u);
    ASSERT_TRUE(p.body.is_object());
    EXPECT_EQ(p.body.value("error", ""), e.code);
    EXPECT_EQ(p.body.value("request_id", ""), "rid-42");
    ASSERT_TRUE(p.body.contains("message"));
    EXPECT_TRUE(p.body["message"].is_string());
    EXPECT_FALSE(p.body["message"].get<std::string>().empty());
    EXPECT_EQ(p.msg["X-Request-Id"], "rid-42");
    EXPECT_EQ(p.msg[bhttp::field::content_type], "application/json");
    // Content-Length announces exactly the body (the strict parse already checks no extra).
    EXPECT_EQ(p.msg[bhttp::field::content_length], std::to_string(p.msg.body().size()));
    const auto retry = p.msg.find(bhttp::field::retry_after);
    if (e.retry_after) {
      ASSERT_NE(retry, p.msg.end());
      const std::string v(retry->value());
      ASSERT_FALSE(v.empty());
      EXPECT_EQ(v.find_first_not_of("0123456789"), std::string::npos) << v;  // delay-seconds
      EXPECT_GT(std::stoul(v), 0u);
    } else {
      EXPECT_EQ(retry, p.msg.end());
    }
    EXPECT_TRUE(p.msg.keep_alive());
  }
}

TEST(RenderError, ConnectionCloseWhenAsked) {
  const Parsed closing = parse(render_error(error_of(ErrorKind::request_timeout), "r", false));
  EXPECT_EQ(closing.msg[bhttp::field::connection], "close");
  EXPECT_FALSE(closing.msg.keep_alive());
  const Parsed kept = parse(render_error(error_of(ErrorKind::no_route), "r", true));
  EXPECT_EQ(kept.msg.find(bhttp::field::connection), kept.msg.end());
}

TEST(RenderError, CustomMessageIsUsedAndEscaped) {
  const std::string msg = "pool \"premium\" has\nno endpoint \\ at all\t!";
  const Parsed p = parse(render_error(error_of(ErrorKind::no_healthy_upstream, msg), "id", true));
  EXPECT_EQ(p.body.value("message", ""), msg);
  EXPECT_EQ(p.body.value("error", ""), "no_healthy_upstream");
}

TEST(RenderError, InvalidUtf8InTheMessageStillGivesValidJson) {
  const Parsed p =
      parse(render_error(error_of(ErrorKind::bad_request, "bad byte \xff\xfe here"), "id", true));
  EXPECT_EQ(p.body.value("error", ""), "bad_request");
  EXPECT_NE(p.body.value("message", "").find("bad byte"), std::string::npos);
}

TEST(RenderError, TheBodyIsWhatAJsonLibraryWritesForTheSameObject) {
  for (const std::string msg :
       {"plain words", "a \"quote\" and a \\", "caf\xc3\xa9 \xe2\x82\xac", ""}) {
    const Parsed p = parse(render_error(error_of(ErrorKind::bad_gateway, msg), "id-1", true));
    const nlohmann::json expected = {
        {"error", "bad_gateway"},
        {"message", msg.empty() ? "the upstream failed to answer" : msg},
        {"request_id", "id-1"}};
    EXPECT_EQ(p.msg.body(), expected.dump() + "\n") << msg;
  }
}

TEST(RenderError, RouteRespondUsesTheRoutesStatusAndCode) {
  ProxyError e = error_of(ErrorKind::route_respond);
  e.respond_status = 403;
  e.respond_code = "tier_required";
  const Parsed p = parse(render_error(e, "rid-7", true));
  EXPECT_EQ(p.msg.result_int(), 403u);
  EXPECT_EQ(p.body.value("error", ""), "tier_required");
  EXPECT_EQ(p.body.value("request_id", ""), "rid-7");
  EXPECT_EQ(p.msg["X-Request-Id"], "rid-7");

  e.respond_status = 429;
  e.respond_code = "slow_down";
  const Parsed q = parse(render_error(e, "rid-8", false));
  EXPECT_EQ(q.msg.result_int(), 429u);
  EXPECT_EQ(q.body.value("error", ""), "slow_down");
  EXPECT_EQ(q.msg.reason(), "Too Many Requests");
}

TEST(RenderError, RateLimitedCarriesItsRetryAfterAndExtraHeaders) {
  ProxyError e = error_of(ErrorKind::rate_limited, "rate limit of tier LITE exceeded");
  e.headers = {{"Retry-After", "7"},
               {"RateLimit-Policy", "\"LITE-class\";q=5;w=1"},
               {"RateLimit", "\"LITE-class\";r=0;t=7"}};
  for (const bool keep_alive : {true, false}) {
    const std::string bytes = render_error(e, "rid-9", keep_alive);
    EXPECT_EQ(bytes.find("Retry-After"), bytes.rfind("Retry-After"))
        << "its own replaces the table's";
    const Parsed p = parse(bytes);
    EXPECT_EQ(p.msg.result_int(), 429u);
    EXPECT_EQ(p.msg.reason(), "Too Many Requests");
    EXPECT_EQ(p.msg[bhttp::field::retry_after], "7");
    EXPECT_EQ(p.msg["RateLimit-Policy"], "\"LITE-class\";q=5;w=1");
    EXPECT_EQ(p.msg["RateLimit"], "\"LITE-class\";r=0;t=7");
    EXPECT_EQ(p.msg["X-Request-Id"], "rid-9");
    EXPECT_EQ(p.msg.keep_alive(), keep_alive);
    EXPECT_EQ(p.body.value("error", ""), "rate_limited");
    EXPECT_EQ(p.body.value("message", ""), "rate limit of tier LITE exceeded");
  }
}

TEST(RenderError, EmptyRequestIdIsStillValid) {
  const Parsed p = parse(render_error(error_of(ErrorKind::bad_request), "", false));
  EXPECT_EQ(p.msg.result_int(), 400u);
  EXPECT_TRUE(p.body.contains("request_id"));
}

}  // namespace
