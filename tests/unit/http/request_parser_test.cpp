// The strict RFC 9112 rules of the client's request parser, on exact bytes.
#include "smart_router/http/request_parser.hpp"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <string>

namespace {

namespace http = smart_router::http;
using http::HeadError;
using smart_router::ErrorKind;

// Parses `text` (a whole head, or more) the way the session does; returns the parser's verdict.
boost::system::error_code parse(const std::string& text, std::uint32_t max_fields = 100) {
  http::RequestParser parser;
  parser.max_fields(max_fields);
  parser.eager(false);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(text), ec);
  if (!ec && !parser.is_header_done()) return boost::beast::http::error::need_more;
  return ec;
}

TEST(RequestParser, AcceptsAPlainRequest) {
  EXPECT_FALSE(parse("GET /a HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n"));
  EXPECT_FALSE(parse("GET /a HTTP/1.0\r\n\r\n"));           // HTTP/1.0 needs no Host
  EXPECT_FALSE(parse("GET /a HTTP/1.1\r\nHost:\r\n\r\n"));  // empty Host: no authority
  EXPECT_FALSE(parse("GET /a HTTP/1.1\r\nHost: x\r\nX-Empty:\r\nX-Pad:   \r\n\r\n"));
}

TEST(RequestParser, KeepsTheFieldsAsBeastWould) {
  http::RequestParser parser;
  boost::system::error_code ec;
  const std::string text =
      "GET /a HTTP/1.1\r\nHost: h:81\r\nX-A: 1\r\nX-A: 2\r\nFoo-Bar:  v  \r\n\r\n";
  parser.put(boost::asio::buffer(text), ec);
  ASSERT_FALSE(ec) << ec.message();
  const auto& h = parser.get();
  EXPECT_EQ(h[boost::beast::http::field::host], "h:81");
  EXPECT_EQ(h["foo-bar"], "v");
  EXPECT_EQ(std::distance(h.begin(), h.end()), 4);
}

TEST(RequestParser, RefusesHttp11WithoutHost) {
  EXPECT_EQ(parse("GET /a HTTP/1.1\r\nAccept: */*\r\n\r\n"), HeadError::missing_host);
  EXPECT_EQ(parse("GET http://h/a HTTP/1.1\r\n\r\n"), HeadError::missing_host);
}

TEST(RequestParser, RefusesMoreThanOneHost) {
  EXPECT_EQ(parse("GET /a HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"), HeadError::duplicate_host);
  EXPECT_EQ(parse("GET /a HTTP/1.0\r\nhost: a\r\nHOST: b\r\n\r\n"), HeadError::duplicate_host);
}

TEST(RequestParser, RefusesAHostThatIsNoAuthority) {
  for (const char* bad : {"a b", "a/b", "user@h", "h:8o", "[::1", "[::1]x", "[]", "h%zz", "h%4"})
    EXPECT_EQ(parse(std::string("GET / HTTP/1.1\r\nHost: ") + bad + "\r\n\r\n"),
              HeadError::invalid_host)
        << bad;
  for (const char* good : {"h", "h:80", "h:", "10.0.0.1:8080", "[::1]:443", "[v1.x]", "a%20b.c"})
    EXPECT_FALSE(parse(std::string("GET / HTTP/1.1\r\nHost: ") + good + "\r\n\r\n")) << good;
}

TEST(RequestParser, RefusesEveryShapeOfObsFold) {
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n 2\r\n\r\n"), HeadError::obs_fold);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\t2\r\n\r\n"), HeadError::obs_fold);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: h\r\nX-A:\r\n 2\r\n\r\n"), HeadError::obs_fold);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: h\r\nX-A: \r\n \r\nX-B: 1\r\n\r\n"),
            HeadError::obs_fold);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n   \r\nX-B: 1\r\n\r\n"),
            HeadError::obs_fold);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n 2\r\n 3\r\n\r\n"), HeadError::obs_fold);
  // A folded Host is refused as a fold, before its value is looked at.
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n"), HeadError::obs_fold);
}

TEST(RequestParser, RefusesWhitespaceBeforeTheFirstField) {
  // Beast's own check (a field name cannot start with whitespace).
  EXPECT_EQ(parse("GET / HTTP/1.1\r\n Host: h\r\n\r\n"), boost::beast::http::error::bad_field);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\n\tHost: h\r\n\r\n"), boost::beast::http::error::bad_field);
}

TEST(RequestParser, CountsHeaderFields) {
  std::string head = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (int i = 1; i < 5; ++i) head += "X-" + std::to_string(i) + ": v\r\n";  // 5 fields
  EXPECT_FALSE(parse(head + "\r\n", 5));
  EXPECT_EQ(parse(head + "X-6: v\r\n\r\n", 5), HeadError::too_many_fields);
}

TEST(RequestParser, TransferEncodingMustEndWithChunkedOnce) {
  const std::string start = "POST / HTTP/1.1\r\nHost: h\r\n";
  EXPECT_FALSE(parse(start + "Transfer-Encoding: chunked\r\n\r\n"));
  EXPECT_FALSE(parse(start + "Transfer-Encoding: ,Chunked , \r\n\r\n"));
  for (const char* bad : {"gzip", "chunked, gzip", "chunked, chunked", "", "chunked;x=1", " , "})
    EXPECT_EQ(parse(start + "Transfer-Encoding: " + bad + "\r\n\r\n"), HeadError::chunked_not_last)
        << bad;
  // (Beast's own check: a Transfer-Encoding after chunked.)
  EXPECT_TRUE(parse(start + "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n"));
}

TEST(RequestParser, OtherTransferCodingsAreNotImplemented) {
  const std::string start = "POST / HTTP/1.1\r\nHost: h\r\n";
  EXPECT_EQ(parse(start + "Transfer-Encoding: gzip, chunked\r\n\r\n"),
            HeadError::unsupported_transfer_coding);
  EXPECT_EQ(parse(start + "Transfer-Encoding: foo\r\nTransfer-Encoding: chunked\r\n\r\n"),
            HeadError::unsupported_transfer_coding);
}

TEST(RequestParser, TransferEncodingInHttp10IsFaultyFraming) {
  EXPECT_EQ(parse("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"),
            HeadError::transfer_encoding_http10);
}

TEST(RequestParser, EachRefusalHasItsAnswer) {
  const auto answer = [](HeadError e) { return *http::head_error_answer(e, 7); };
  EXPECT_EQ(answer(HeadError::missing_host).kind, ErrorKind::bad_request);
  EXPECT_EQ(answer(HeadError::missing_host).message, "HTTP/1.1 request without Host");
  EXPECT_EQ(answer(HeadError::obs_fold).kind, ErrorKind::bad_request);
  EXPECT_EQ(answer(HeadError::chunked_not_last).kind, ErrorKind::bad_request);
  EXPECT_EQ(answer(HeadError::too_many_fields).kind, ErrorKind::headers_too_large);
  EXPECT_EQ(answer(HeadError::too_many_fields).message,
            "more than 7 header fields (server.limits.max_header_count)");
  EXPECT_EQ(answer(HeadError::unsupported_transfer_coding).kind, ErrorKind::not_implemented);
  EXPECT_FALSE(http::head_error_answer(boost::beast::http::error::bad_field, 7));
}

TEST(RequestParser, FindsTheEmptyLinesBeforeARequestLine) {
  EXPECT_EQ(http::leading_empty_lines("GET / HTTP/1.1\r\n"), 0u);
  EXPECT_EQ(http::leading_empty_lines("\r\nGET /"), 2u);
  EXPECT_EQ(http::leading_empty_lines("\r\n\n\r\nGET /"), 5u);
  EXPECT_EQ(http::leading_empty_lines("\r\n\r"), 2u);  // a lone CR is no empty line
  EXPECT_EQ(http::leading_empty_lines("\rGET /"), 0u);
  EXPECT_EQ(http::leading_empty_lines(""), 0u);
}

}  // namespace
