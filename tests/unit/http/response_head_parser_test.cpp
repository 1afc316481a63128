#include "smart_router/http/response_head_parser.hpp"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <string>

namespace {

namespace bhttp = boost::beast::http;
using smart_router::http::FlatFields;
using smart_router::http::ResponseHeadParser;

// Feeds `text` to the parser, collecting body bytes through a small window as the relay does.
std::string parse_all(ResponseHeadParser& p, std::string_view text, std::size_t window = 4) {
  std::string body;
  std::string buf(window, '\0');
  while (!p.is_done()) {
    p.body().data = buf.data();
    p.body().size = buf.size();
    boost::system::error_code ec;
    const auto used = p.put(boost::asio::buffer(text.data(), text.size()), ec);
    text.remove_prefix(used);
    body.append(buf.data(), buf.size() - p.body().size);
    if (ec == bhttp::error::need_buffer) continue;
    EXPECT_FALSE(ec) << ec.message();
    if (ec) break;
  }
  return body;
}

TEST(FlatFields, KeepsArrivalOrderCaseAndDuplicates) {
  FlatFields f;
  f.insert("Set-Cookie", "a=1");
  f.insert("X-Custom", "x");
  f.insert("set-cookie", "b=2");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].id, bhttp::field::set_cookie);
  EXPECT_EQ(f[1].id, bhttp::field::unknown);
  EXPECT_EQ(f[2].name, "set-cookie");
  EXPECT_EQ(f[2].value, "b=2");
  EXPECT_EQ(f.find(bhttp::field::set_cookie), "a=1");  // the first one
  EXPECT_FALSE(f.contains(bhttp::field::connection));
}

TEST(FlatFields, ViewsStayValidAsTheStorageGrows) {
  FlatFields f;
  for (int i = 0; i < 200; ++i) f.insert("X-N" + std::to_string(i), std::string(50, 'v'));
  EXPECT_EQ(f[0].name, "X-N0");
  EXPECT_EQ(f[199].name, "X-N199");
  EXPECT_EQ(f[199].value, std::string(50, 'v'));
  f.clear();
  EXPECT_EQ(f.size(), 0u);
  EXPECT_EQ(f.begin() != f.end(), false);
}

TEST(ResponseHeadParser, HeadAndContentLengthBody) {
  FlatFields fields;
  fields.insert("Stale", "from the previous response");
  ResponseHeadParser p(fields);
  const auto body =
      parse_all(p, "HTTP/1.1 201 Created Here\r\nContent-Length: 10\r\nX-A: 1\r\n\r\n0123456789");
  EXPECT_EQ(p.status(), 201u);
  EXPECT_EQ(p.reason(), "Created Here");
  ASSERT_EQ(fields.size(), 2u);  // cleared first
  EXPECT_EQ(fields[0].id, bhttp::field::content_length);
  EXPECT_EQ(fields[1].name, "X-A");
  EXPECT_EQ(body, "0123456789");
  EXPECT_TRUE(p.keep_alive());
}

TEST(ResponseHeadParser, ChunkedBodyThroughASmallWindow) {
  FlatFields fields;
  ResponseHeadParser p(fields);
  const auto body = parse_all(p,
                              "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
                              "chunked\r\n\r\n5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n",
                              3);
  EXPECT_TRUE(p.chunked());
  EXPECT_EQ(body, "hello, world");
}

TEST(ResponseHeadParser, WithoutAWindowTheBodyWaits) {
  FlatFields fields;
  ResponseHeadParser p(fields);
  p.eager(true);
  const std::string text = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
  boost::system::error_code ec;
  const auto used = p.put(boost::asio::buffer(text), ec);
  EXPECT_TRUE(p.is_header_done());
  EXPECT_EQ(ec, bhttp::error::need_buffer);
  EXPECT_EQ(used, text.size() - 3);  // the body bytes are left for when a window is given
}

TEST(ResponseHeadParser, MalformedHeadIsAnError) {
  FlatFields fields;
  ResponseHeadParser p(fields);
  const std::string text = "HTTP/1.1 200 OK\r\nBad Header\r\n\r\n";
  boost::system::error_code ec;
  p.put(boost::asio::buffer(text), ec);
  EXPECT_TRUE(ec);
  EXPECT_NE(ec, bhttp::error::need_more);
}

TEST(ResponseHeadParser, StatusBelow100IsAnError) {
  for (const std::string status : {"000", "002", "099"}) {
    FlatFields fields;
    ResponseHeadParser p(fields);
    const std::string text = "HTTP/1.1 " + status + " OK\r\nContent-Length: 0\r\n\r\n";
    boost::system::error_code ec;
    p.put(boost::asio::buffer(text), ec);
    EXPECT_EQ(ec, bhttp::error::bad_status) << status;
  }
  FlatFields fields;
  ResponseHeadParser p(fields);
  EXPECT_EQ(parse_all(p, "HTTP/1.1 100 Continue\r\n\r\n"), "");
  EXPECT_EQ(p.status(), 100u);
}

}  // namespace
