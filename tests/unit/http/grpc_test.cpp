#include "smart_router/http/grpc.hpp"

#include <gtest/gtest.h>

namespace {

using namespace smart_router;
using namespace smart_router::http;
using std::chrono::milliseconds;

TEST(Grpc, ContentTypes) {
  EXPECT_TRUE(is_grpc_content_type("application/grpc"));
  EXPECT_TRUE(is_grpc_content_type("application/grpc+proto"));
  EXPECT_TRUE(is_grpc_content_type("Application/GRPC;charset=utf-8"));
  EXPECT_FALSE(is_grpc_content_type("application/grpc-web"));  // a different protocol
  EXPECT_FALSE(is_grpc_content_type("application/grpcx"));
  EXPECT_FALSE(is_grpc_content_type("application/json"));
  EXPECT_FALSE(is_grpc_content_type(""));
}

TEST(Grpc, Timeouts) {
  EXPECT_EQ(parse_grpc_timeout("100m"), milliseconds(100));
  EXPECT_EQ(parse_grpc_timeout("2S"), milliseconds(2000));
  EXPECT_EQ(parse_grpc_timeout("1M"), milliseconds(60'000));
  EXPECT_EQ(parse_grpc_timeout("1H"), milliseconds(3'600'000));
  EXPECT_EQ(parse_grpc_timeout("1500u"), milliseconds(2));  // rounded up
  EXPECT_EQ(parse_grpc_timeout("1n"), milliseconds(1));
  EXPECT_EQ(parse_grpc_timeout("0m"), milliseconds(0));
  EXPECT_EQ(parse_grpc_timeout("99999999S"), milliseconds(99'999'999'000));
  for (const char* bad : {"", "m", "100", "100x", "-1m", "+1m", "123456789m", "1 m", "1.5S"})
    EXPECT_FALSE(parse_grpc_timeout(bad)) << bad;
  EXPECT_EQ(grpc_timeout_text(250), "250m");
  EXPECT_EQ(grpc_timeout_text(-3), "0m");
  EXPECT_EQ(grpc_timeout_text(100'000'000), "100000S");
}

TEST(Grpc, TheContractsStatusTable) {
  const auto status = [](ErrorKind k, unsigned http = 0) {
    return grpc_status_of(ProxyError{k, {}, 0, {}, {}}, http);
  };
  EXPECT_EQ(status(ErrorKind::no_route), 12u);
  EXPECT_EQ(status(ErrorKind::overloaded), 14u);
  EXPECT_EQ(status(ErrorKind::rate_limited), 8u);
  EXPECT_EQ(status(ErrorKind::upstream_timeout), 4u);
  EXPECT_EQ(status(ErrorKind::no_healthy_upstream), 14u);
  EXPECT_EQ(status(ErrorKind::unauthorized), 16u);
  EXPECT_EQ(status(ErrorKind::route_respond, 403), 7u);  // tier_required
  EXPECT_EQ(status(ErrorKind::route_respond, 404), 12u);
  EXPECT_EQ(status(ErrorKind::route_respond, 418), 2u);
}

TEST(Grpc, MessagesArePercentEncoded) {
  EXPECT_EQ(grpc_message("no route"), "no route");
  EXPECT_EQ(grpc_message("100% \xc3\xa9\n"), "100%25 %C3%A9%0A");
}

}  // namespace
