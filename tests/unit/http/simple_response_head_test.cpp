#include "smart_router/http/simple_response_head.hpp"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <string>
#include <vector>

#include "smart_router/http/response_head_parser.hpp"

namespace {

namespace bhttp = boost::beast::http;
using smart_router::http::FlatFields;
using smart_router::http::kMaxSimpleResponseHead;
using smart_router::http::parse_simple_response_head;
using smart_router::http::ResponseHeadParser;

constexpr std::string_view kNginxHead =
    "HTTP/1.1 200 OK\r\n"
    "Server: nginx\r\n"
    "Date: Mon, 07 Dec 2026 20:00:00 GMT\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 64\r\n"
    "Connection: keep-alive\r\n"
    "\r\n";

// What Beast's own parse makes of `head`: nullopt when it refuses it.
struct BeastView {
  unsigned status;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<bhttp::field> ids;
  std::uint64_t content_length;
  bool keep_alive;
};

std::optional<BeastView> beast_parse(std::string_view head) {
  FlatFields fields;
  ResponseHeadParser p(fields);
  p.eager(false);
  p.body_limit(boost::none);  // as the router's (it streams answers of any length)
  boost::system::error_code ec;
  const auto used = p.put(boost::asio::buffer(head.data(), head.size()), ec);
  if (ec || !p.is_header_done() || used != head.size() || p.chunked() || !p.content_length())
    return std::nullopt;
  BeastView v{p.status(), std::string(p.reason()), {}, {}, *p.content_length(), p.keep_alive()};
  for (const auto f : p.fields()) {
    v.fields.emplace_back(f.name, f.value);
    v.ids.push_back(f.id);
  }
  return v;
}

// Whatever the simple parse accepts, Beast accepts alike (the fuzz target checks this on
// arbitrary bytes; here on the shapes it must take).
void expect_same_as_beast(std::string_view head) {
  FlatFields fields;
  const auto simple = parse_simple_response_head(head, fields);
  ASSERT_TRUE(simple) << head;
  const auto beast = beast_parse(head);
  ASSERT_TRUE(beast) << head;
  EXPECT_EQ(simple->status, beast->status);
  EXPECT_EQ(simple->reason, beast->reason);
  EXPECT_EQ(simple->content_length, beast->content_length);
  EXPECT_EQ(simple->head_size, head.size());
  ASSERT_EQ(fields.size(), beast->fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    EXPECT_EQ(fields[i].name, beast->fields[i].first);
    EXPECT_EQ(fields[i].value, beast->fields[i].second);
    EXPECT_EQ(fields[i].id, beast->ids[i]);
  }
  EXPECT_TRUE(beast->keep_alive);
}

TEST(SimpleResponseHead, TakesAnNginxHead) {
  FlatFields fields;
  const std::string bytes = std::string(kNginxHead) + "body bytes follow";
  const auto head = parse_simple_response_head(bytes, fields);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200u);
  EXPECT_EQ(head->reason, "OK");
  EXPECT_EQ(head->content_length, 64u);
  EXPECT_EQ(head->head_size, kNginxHead.size());
  ASSERT_EQ(fields.size(), 5u);
  EXPECT_EQ(fields[0].id, bhttp::field::server);
  EXPECT_EQ(fields[1].value, "Mon, 07 Dec 2026 20:00:00 GMT");
  EXPECT_EQ(fields[3].id, bhttp::field::content_length);
  EXPECT_EQ(fields[4].name, "Connection");
  expect_same_as_beast(kNginxHead);
}

TEST(SimpleResponseHead, AgreesWithBeastOnWhitespaceEmptyValuesAndCase) {
  expect_same_as_beast(
      "HTTP/1.1 404 Not Found\r\nX-A:   spaced  value \t\r\ncontent-length:0\r\n\r\n");
  expect_same_as_beast("HTTP/1.1 503 \r\nX-Empty:\r\nX-Blank: \t \r\nContent-Length: 007\r\n\r\n");
  expect_same_as_beast(
      "HTTP/1.1 201 Created, with words\r\nCONNECTION: Keep-Alive\r\n"
      "Set-Cookie: a=1\r\nset-cookie: b=2\r\nContent-Length: 18446744\r\n\r\n");
  expect_same_as_beast("HTTP/1.1 299 \t\r\nContent-Length: 1\r\nX-~!#$%&'*+-.^_`|: ~\r\n\r\n");
}

TEST(SimpleResponseHead, LeavesEveryOtherShapeToBeast) {
  const std::vector<std::string> others = {
      "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n",                         // another version
      "HTTP/1.1 100 Continue\r\n\r\n",                                        // interim
      "HTTP/1.1 101 Switching Protocols\r\nContent-Length: 0\r\n\r\n",        // upgrade
      "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n",                 // no body
      "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n",               // no body
      "HTTP/1.1 600 Odd\r\nContent-Length: 1\r\n\r\n",                        // not a status
      "HTTP/1.1 099 Odd\r\nContent-Length: 1\r\n\r\n",                        //
      "HTTP/1.1 200 OK\r\n\r\n",                                              // close-delimited
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",                // chunked
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",    // twice
      "HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\n",                      // a list
      "HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\n",                        //
      "HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456789\r\n\r\n",       // 19 digits
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\n",    // not kept alive
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nUpgrade: h2c\r\n\r\n",         //
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nProxy-Connection: x\r\n\r\n",  //
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nX-Fold: a\r\n b\r\n\r\n",      // obs-fold
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nX-Text: caf\xc3\xa9\r\n\r\n",  // obs-text
      "HTTP/1.1 200 caf\xc3\xa9\r\nContent-Length: 1\r\n\r\n",                //
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nX-Ctl: a\x01\r\n\r\n",         // control
      "HTTP/1.1 200 OK\nContent-Length: 1\r\n\r\n",                           // bare LF
      "HTTP/1.1 200 OK\r\nContent-Length: 1\n\r\n",                           //
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\n",                           //
      "HTTP/1.1 200 OK\r\nBad Name: 1\r\nContent-Length: 1\r\n\r\n",          // not a token
      "HTTP/1.1 200 OK\r\n: no name\r\nContent-Length: 1\r\n\r\n",            //
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n",                             // not all here
      "HTTP/1.1 200 OK\r\nContent-Length: 1",                                 //
      "HTTP/1.1 200",                                                         //
      "HTTP/1.1 200OK\r\nContent-Length: 1\r\n\r\n",                          //
      "http/1.1 200 OK\r\nContent-Length: 1\r\n\r\n",                         //
  };
  for (const auto& head : others) {
    FlatFields fields;
    fields.insert("Stale", "x");
    EXPECT_FALSE(parse_simple_response_head(head, fields)) << head;
    EXPECT_EQ(fields.size(), 0u) << head;
  }
}

TEST(SimpleResponseHead, LeavesALargeHeadToBeastAndItsLimit) {
  std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n";
  while (head.size() < kMaxSimpleResponseHead) head += "X-Pad: " + std::string(100, 'p') + "\r\n";
  head += "\r\n";
  FlatFields fields;
  EXPECT_FALSE(parse_simple_response_head(head, fields));
}

// The parser takes a simple head itself and counts its body; HEAD's answer has none.
TEST(SimpleResponseHead, ParserCountsTheBodyAndHonoursHead) {
  FlatFields fields;
  ResponseHeadParser p(fields);
  boost::beast::flat_buffer buffer;
  const std::string wire = std::string(kNginxHead) + std::string(64, 'b') + "next";
  boost::asio::buffer_copy(buffer.prepare(wire.size()), boost::asio::buffer(wire));
  buffer.commit(wire.size());
  ASSERT_TRUE(p.take_simple_head(buffer));
  EXPECT_TRUE(p.simple());
  EXPECT_TRUE(p.is_header_done());
  EXPECT_FALSE(p.is_done());
  EXPECT_FALSE(p.chunked());
  EXPECT_TRUE(p.keep_alive());
  EXPECT_EQ(p.content_length().value_or(0), 64u);
  EXPECT_EQ(buffer.size(), 64u + 4u);  // the head consumed, the body and what follows left

  std::string window(50, '\0');
  auto& body = p.length_body();
  body.window().data = window.data();
  body.window().size = window.size();
  boost::system::error_code ec;
  buffer.consume(body.put(buffer.data(), ec));
  EXPECT_EQ(ec, bhttp::error::need_buffer);  // the window is full, 14 bytes to go
  EXPECT_EQ(body.content_length_remaining().value_or(0), 14u);
  body.window().data = window.data();
  body.window().size = window.size();
  buffer.consume(body.put(buffer.data(), ec));
  EXPECT_FALSE(ec);
  EXPECT_TRUE(p.is_done());
  EXPECT_EQ(window.size() - body.window().size, 14u);
  EXPECT_EQ(buffer.size(), 4u);  // "next" is not this body's

  FlatFields head_fields;
  ResponseHeadParser head_answer(head_fields);
  head_answer.skip(true);
  boost::beast::flat_buffer head_buffer;
  boost::asio::buffer_copy(head_buffer.prepare(kNginxHead.size()), boost::asio::buffer(kNginxHead));
  head_buffer.commit(kNginxHead.size());
  ASSERT_TRUE(head_answer.take_simple_head(head_buffer));
  EXPECT_TRUE(head_answer.is_done());
  EXPECT_EQ(head_answer.content_length().value_or(0), 64u);  // what a GET would have had
}

TEST(SimpleResponseHead, ParserLeavesHeadsOverItsLimitsToBeast) {
  const auto fill = [](boost::beast::flat_buffer& b) {
    boost::asio::buffer_copy(b.prepare(kNginxHead.size()), boost::asio::buffer(kNginxHead));
    b.commit(kNginxHead.size());
  };
  FlatFields fields;
  ResponseHeadParser small_head(fields);
  small_head.header_limit(64);  // the head is longer
  boost::beast::flat_buffer buffer;
  fill(buffer);
  EXPECT_FALSE(small_head.take_simple_head(buffer));
  EXPECT_EQ(buffer.size(), kNginxHead.size());

  ResponseHeadParser small_body(fields);
  small_body.body_limit(63);  // Content-Length: 64
  EXPECT_FALSE(small_body.take_simple_head(buffer));
  EXPECT_EQ(fields.size(), 0u);
  EXPECT_EQ(buffer.size(), kNginxHead.size());

  ResponseHeadParser fits(fields);
  fits.header_limit(static_cast<std::uint32_t>(kNginxHead.size()));
  fits.body_limit(64);
  ASSERT_TRUE(fits.take_simple_head(buffer));
  EXPECT_EQ(buffer.size(), 0u);
  fill(buffer);  // taken once: asked again, nothing more is read as a head
  EXPECT_TRUE(fits.take_simple_head(buffer));
  EXPECT_EQ(buffer.size(), kNginxHead.size());
}

TEST(SimpleResponseHead, ParserLeavesAHeadBeastHasStartedOnToBeast) {
  FlatFields fields;
  ResponseHeadParser p(fields);
  boost::system::error_code ec;
  p.put(boost::asio::buffer(std::string_view("HTTP/1.1 200 OK\r\n")), ec);
  EXPECT_EQ(ec, bhttp::error::need_more);
  boost::beast::flat_buffer buffer;
  boost::asio::buffer_copy(buffer.prepare(kNginxHead.size()), boost::asio::buffer(kNginxHead));
  buffer.commit(kNginxHead.size());
  EXPECT_FALSE(p.take_simple_head(buffer));
  EXPECT_EQ(buffer.size(), kNginxHead.size());
}

}  // namespace
