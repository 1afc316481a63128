#include "smart_router/http/local_answer.hpp"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "smart_router/http/error_response.hpp"

namespace {

namespace bhttp = boost::beast::http;
using smart_router::ErrorKind;
using smart_router::ProxyError;
using smart_router::http::ErrorAnswer;
using smart_router::http::HeaderLine;
using smart_router::http::LocalAnswer;
using smart_router::http::render_local_answer;

// Parses `text` as a response (to a HEAD request when `head_request`); fails on bytes left over.
bhttp::response<bhttp::string_body> parse(const std::string& text, bool head_request = false) {
  bhttp::response_parser<bhttp::string_body> p;
  p.skip(head_request);
  boost::system::error_code ec;
  std::size_t used = 0;
  while (used < text.size() && !p.is_done()) {  // the head, then the body
    const auto n = p.put(boost::asio::buffer(text.data() + used, text.size() - used), ec);
    if (ec || n == 0) break;
    used += n;
  }
  EXPECT_FALSE(ec) << ec.message() << "\n" << text;
  EXPECT_TRUE(p.is_done()) << text;
  EXPECT_EQ(used, text.size()) << "bytes beyond the message:\n" << text;
  return p.release();
}

TEST(RenderLocalAnswer, BodyTypeLengthIdAndExtraHeaders) {
  static constexpr HeaderLine kExtra[] = {{"Cache-Control", "no-store"}};
  LocalAnswer a;
  a.status = 200;
  a.content_type = "application/json";
  a.body = R"({"status":"ok"})";
  a.headers = kExtra;
  std::string out;
  render_local_answer(a, "rid-1", true, out);
  const auto m = parse(out);
  EXPECT_EQ(m.result_int(), 200u);
  EXPECT_EQ(m.body(), a.body);
  EXPECT_EQ(m[bhttp::field::content_type], "application/json");
  EXPECT_EQ(m["X-Request-Id"], "rid-1");
  EXPECT_EQ(m[bhttp::field::cache_control], "no-store");
  EXPECT_TRUE(m.keep_alive());
}

TEST(RenderLocalAnswer, HeadOnlyAnnouncesTheBodyWithoutSendingIt) {
  LocalAnswer a;
  a.content_type = "text/plain";
  a.body = "twelve bytes";
  a.head_only = true;
  std::string out;
  render_local_answer(a, "r", false, out);
  const auto m = parse(out, /*head_request=*/true);
  EXPECT_EQ(m[bhttp::field::content_length], "12");
  EXPECT_EQ(out.find("twelve"), std::string::npos);
  EXPECT_FALSE(m.keep_alive());
}

TEST(RenderLocalAnswer, AKeptHttp10ConnectionIsSaidSo) {
  LocalAnswer a;
  a.body = "x";
  std::string out;
  render_local_answer(a, "r", true, out, /*http10=*/true);
  EXPECT_NE(out.find("Connection: keep-alive\r\n"), std::string::npos) << out;
  render_local_answer(a, "r", false, out, /*http10=*/true);
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos) << out;
  render_local_answer(a, "r", true, out);  // HTTP/1.1 keeps it without a word
  EXPECT_EQ(out.find("Connection:"), std::string::npos) << out;
}

TEST(RenderLocalAnswer, InterimAnswerIsABareStatusLine) {
  LocalAnswer a;
  a.status = 100;
  std::string out = "left over from before";
  render_local_answer(a, "r", true, out);
  EXPECT_EQ(out, "HTTP/1.1 100 Continue\r\n\r\n");
}

TEST(ErrorAnswer, CarriesTheErrorsOwnHeadersAndItsRetryAfterReplacesTheTables) {
  ProxyError err;
  err.kind = ErrorKind::overloaded;  // the table says Retry-After: 1
  err.headers = {{"RateLimit-Policy", "100;w=1"}, {"Retry-After", "7"}};
  const ErrorAnswer answer(err, "rid-9");
  std::string out;
  render_local_answer(answer.answer(), "rid-9", true, out);
  const auto m = parse(out);
  EXPECT_EQ(m.result_int(), 503u);
  EXPECT_EQ(m["RateLimit-Policy"], "100;w=1");
  EXPECT_EQ(m[bhttp::field::retry_after], "7");
  EXPECT_EQ(std::distance(m.equal_range(bhttp::field::retry_after).first,
                          m.equal_range(bhttp::field::retry_after).second),
            1);
}

}  // namespace
