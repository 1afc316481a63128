// How a relayed answer is framed towards the client (plan_client_framing).
#include "smart_router/http/downstream.hpp"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>

#include "smart_router/http/response_head_parser.hpp"

namespace {

namespace http = smart_router::http;
using smart_router::http::BodyFraming;

// An upstream answer's head, parsed as the forwarder does.
class Framing : public ::testing::Test {
 protected:
  http::ResponseHeadParser& parsed(const std::string& head, bool head_request = false) {
    rp.emplace(fields);
    rp->skip(head_request);
    const std::string text = head + "\r\n\r\n";
    boost::system::error_code ec;
    rp->put(boost::asio::buffer(text), ec);
    EXPECT_TRUE(!ec || ec == boost::beast::http::error::need_buffer) << ec.message();
    EXPECT_TRUE(rp->is_header_done());
    return *rp;
  }

  http::FlatFields fields;
  std::optional<http::ResponseHeadParser> rp;
};

TEST_F(Framing, ContentLengthPassesThrough) {
  const auto f = http::plan_client_framing(parsed("HTTP/1.1 200 OK\r\nContent-Length: 42"), false,
                                           false, true);
  EXPECT_EQ(f.upstream, BodyFraming::content_length);
  EXPECT_EQ(f.head.framing, BodyFraming::content_length);
  EXPECT_EQ(f.head.content_length, 42u);
  EXPECT_TRUE(f.head.keep_alive);
}

TEST_F(Framing, ChunkedStaysChunkedForHttp11) {
  const auto f = http::plan_client_framing(parsed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"),
                                           false, false, true);
  EXPECT_EQ(f.upstream, BodyFraming::chunked);
  EXPECT_EQ(f.head.framing, BodyFraming::chunked);
  EXPECT_TRUE(f.head.keep_alive);
}

TEST_F(Framing, CloseDelimitedGoesChunkedToHttp11AndUntilCloseToHttp10) {
  const auto to11 = http::plan_client_framing(parsed("HTTP/1.1 200 OK"), false, false, true);
  EXPECT_EQ(to11.upstream, BodyFraming::until_close);
  EXPECT_EQ(to11.head.framing, BodyFraming::chunked);
  EXPECT_TRUE(to11.head.keep_alive);
  const auto to10 = http::plan_client_framing(parsed("HTTP/1.1 200 OK"), false, true, true);
  EXPECT_EQ(to10.head.framing, BodyFraming::until_close);
  EXPECT_FALSE(to10.head.keep_alive);  // the end of the body is the end of the connection
}

TEST_F(Framing, NoContentHasNoBody) {
  const auto f = http::plan_client_framing(parsed("HTTP/1.1 204 No Content"), false, false, true);
  EXPECT_EQ(f.upstream, BodyFraming::none);
  EXPECT_EQ(f.head.framing, BodyFraming::none);
}

TEST_F(Framing, NoContentStatusesNeverRelayABodyWhateverTheirFieldsSay) {
  for (const char* head : {"HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked",
                           "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked",
                           "HTTP/1.1 204 No Content\r\nContent-Length: 8"}) {
    const auto f = http::plan_client_framing(parsed(head), false, false, true);
    EXPECT_EQ(f.upstream, BodyFraming::none) << head;
    EXPECT_EQ(f.head.framing, BodyFraming::none) << head;
    EXPECT_TRUE(f.bogus_body) << head;  // the upstream connection is not used again
    EXPECT_TRUE(f.head.keep_alive) << head;
  }
  EXPECT_FALSE(http::plan_client_framing(parsed("HTTP/1.1 304 Not Modified"), false, false, true)
                   .bogus_body);
  // A 304's length is the one its 200 would have had (RFC 9110 8.6): no claim of a body.
  EXPECT_FALSE(http::plan_client_framing(parsed("HTTP/1.1 304 Not Modified\r\nContent-Length: 9"),
                                         false, false, true)
                   .bogus_body);
}

TEST_F(Framing, AnswerToHeadAnnouncesTheLengthItWouldHave) {
  const auto f = http::plan_client_framing(
      parsed("HTTP/1.1 200 OK\r\nContent-Length: 9", /*head_request=*/true), true, false, true);
  EXPECT_EQ(f.head.framing, BodyFraming::content_length);
  EXPECT_EQ(f.head.content_length, 9u);
}

TEST_F(Framing, ClosesWhenTheConnectionCannotBeKept) {
  const auto f = http::plan_client_framing(parsed("HTTP/1.1 200 OK\r\nContent-Length: 1"), false,
                                           false, /*keep_alive=*/false);
  EXPECT_FALSE(f.head.keep_alive);
}

}  // namespace
