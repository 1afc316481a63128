// A chunked request body's framing: the bytes a waiting parser has not taken, the trailer
// section RequestParser counts, and the answer a body that could not be read gets.
#include "smart_router/http/chunk_framing.hpp"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>
#include <string>

#include "smart_router/http/request_parser.hpp"

namespace {

namespace http = smart_router::http;
namespace bhttp = boost::beast::http;
using http::HeadError;
using smart_router::ErrorKind;

constexpr std::size_t kLimit = 64;

boost::system::error_code check(const std::string& unparsed) {
  return http::check_chunk_framing(unparsed, kLimit);
}

TEST(ChunkFraming, LinesUnderWayAreLeftToWaitFor) {
  EXPECT_FALSE(check(""));
  EXPECT_FALSE(check("\r"));
  EXPECT_FALSE(check("\r\n"));        // the previous chunk's CRLF
  EXPECT_FALSE(check("\r\n1a;ext"));  // then a chunk-size line so far
  EXPECT_FALSE(check("0\r\nX-T: 1\r\n"));
  EXPECT_FALSE(check("\r\n0\r\nX-T: 1\r"));
  EXPECT_FALSE(check(std::string(kLimit, 'a')));  // exactly the limit
  EXPECT_FALSE(check("\r\n" + std::string(kLimit, 'a')));
}

TEST(ChunkFraming, ALineEndedByLfAloneIsRefusedAtOnce) {
  EXPECT_EQ(check("4\nabcd\n0\n\n"), HeadError::chunk_bare_lf);
  EXPECT_EQ(check("\r\n0\n"), HeadError::chunk_bare_lf);
  EXPECT_EQ(check("0\r\nX-A: 1\n"), HeadError::chunk_bare_lf);
  EXPECT_EQ(check("0\r\n\n"), HeadError::chunk_bare_lf);
  EXPECT_EQ(check("\n"), HeadError::chunk_bare_lf);
}

TEST(ChunkFraming, ALongChunkLineIs400ALongTrailerSection431) {
  EXPECT_EQ(check(std::string(kLimit + 1, 'a')), HeadError::chunk_line_too_long);
  EXPECT_EQ(check("4;" + std::string(kLimit, 'e')), HeadError::chunk_line_too_long);
  // A whole line still waited on is the last chunk's: the trailer section is counted with it.
  EXPECT_EQ(check("0\r\nX-T: " + std::string(kLimit, 'a')), HeadError::trailer_too_large);
  EXPECT_EQ(check("\r\n0\r\nX-T: " + std::string(kLimit, 'a') + "\r\n"),
            HeadError::trailer_too_large);
}

TEST(ChunkFraming, TheAnswerToABodyThatCouldNotBeRead) {
  const auto kind = [](const boost::system::error_code& ec) {
    auto a = http::body_error_answer(ec);
    EXPECT_TRUE(a) << ec.message();
    return a ? a->kind : ErrorKind::bad_gateway;
  };
  EXPECT_EQ(kind(bhttp::error::body_limit), ErrorKind::payload_too_large);
  EXPECT_EQ(kind(HeadError::trailer_too_large), ErrorKind::headers_too_large);
  EXPECT_EQ(kind(HeadError::chunk_bare_lf), ErrorKind::bad_request);
  EXPECT_EQ(kind(HeadError::chunk_line_too_long), ErrorKind::bad_request);
  EXPECT_EQ(kind(bhttp::error::bad_chunk), ErrorKind::bad_request);
  EXPECT_EQ(kind(bhttp::error::bad_chunk_extension), ErrorKind::bad_request);
  EXPECT_EQ(kind(bhttp::error::bad_field), ErrorKind::bad_request);
  EXPECT_EQ(kind(http::HeadError::obs_fold), ErrorKind::bad_request);
  EXPECT_EQ(kind(http::HeadError::too_many_fields), ErrorKind::headers_too_large);
  // A client that went away (or stalled past idle_timeout_ms) gets no answer.
  EXPECT_FALSE(http::body_error_answer(bhttp::error::partial_message));
  EXPECT_FALSE(http::body_error_answer(bhttp::error::end_of_stream));
  EXPECT_FALSE(http::body_error_answer(boost::asio::error::connection_reset));
  EXPECT_FALSE(http::body_error_answer(boost::asio::error::operation_aborted));
  EXPECT_FALSE(http::body_error_answer({}));
}

// A whole chunked request through RequestParser, as one buffer: the trailer section never
// waited on is counted by the parser itself.
struct Parsed {
  boost::system::error_code ec;
  std::string host;
  bool has_trailer_field = false;
};

Parsed parse_chunked(const std::string& body, std::size_t limit = kLimit) {
  http::RequestParser parser;
  parser.framing_limit(limit);
  parser.eager(true);
  char window[256];
  parser.get().body().data = window;
  parser.get().body().size = sizeof window;
  const std::string text =
      "POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + body;
  Parsed out;
  std::size_t at = 0;
  while (at < text.size() && !parser.is_done()) {
    const auto n = parser.put(boost::asio::buffer(text.data() + at, text.size() - at), out.ec);
    at += n;
    if (out.ec == bhttp::error::need_buffer) {
      parser.get().body().data = window;
      parser.get().body().size = sizeof window;
      out.ec = {};
    }
    if (out.ec || n == 0) break;
  }
  out.host = std::string(parser.get()[bhttp::field::host]);
  out.has_trailer_field = parser.get().find("X-T") != parser.get().end();
  return out;
}

TEST(ChunkFraming, TrailerFieldsAreCheckedCountedAndDropped) {
  const auto ok = parse_chunked("4\r\nabcd\r\n0\r\nX-T: 1\r\n\r\n");
  EXPECT_FALSE(ok.ec) << ok.ec.message();
  EXPECT_FALSE(ok.has_trailer_field);  // never added to the head
  EXPECT_EQ(ok.host, "h");
  // "X-T: " + value + CRLF: 64 bytes pass, 65 do not.
  EXPECT_FALSE(parse_chunked("0\r\nX-T: " + std::string(kLimit - 7, 'a') + "\r\n\r\n").ec);
  EXPECT_EQ(parse_chunked("0\r\nX-T: " + std::string(kLimit - 6, 'a') + "\r\n\r\n").ec,
            HeadError::trailer_too_large);
  // Longer than Beast's fields could store (it threw): within a limit that large, dropped.
  EXPECT_EQ(parse_chunked("0\r\nX-T: " + std::string(70000, 'a') + "\r\n\r\n", 100000).ec,
            boost::system::error_code{});
  EXPECT_EQ(parse_chunked("0\r\nX-A: 1\r\n 2\r\n\r\n").ec, http::HeadError::obs_fold);
  // A trailer Host is no second Host: trailers are not the head.
  EXPECT_FALSE(parse_chunked("0\r\nHost: other\r\n\r\n").ec);
}

TEST(ChunkFraming, AHeadFieldBeastCannotStoreIsAHeadTooLarge) {
  http::RequestParser parser;
  parser.header_limit(200000);
  boost::system::error_code ec;
  const std::string text =
      "GET /a HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(70000, 'a') + "\r\n\r\n";
  parser.put(boost::asio::buffer(text), ec);
  EXPECT_EQ(ec, bhttp::error::header_limit);
}

}  // namespace
