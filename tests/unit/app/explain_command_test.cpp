#include "smart_router/app/explain_command.hpp"

#include <gtest/gtest.h>

namespace {

using smart_router::app::ExplainArgs;
using smart_router::app::parse_request_description;

ExplainArgs args(std::string request, std::vector<std::string> headers = {},
                 std::string peer = "") {
  ExplainArgs a;
  a.request = std::move(request);
  a.headers = std::move(headers);
  a.peer = std::move(peer);
  return a;
}

TEST(RequestDescription, MethodPathHeadersAndPeer) {
  std::string error;
  const auto in = parse_request_description(
      args("  PATCH /a/b?c=1 ", {"X-User-Tier:  ELITE ", "X-Empty:"}, "2001:db8::1"), error);
  ASSERT_TRUE(in) << error;
  EXPECT_EQ(in->method, "PATCH");
  EXPECT_EQ(in->target, "/a/b?c=1");
  ASSERT_EQ(in->headers.size(), 2U);
  EXPECT_EQ(in->headers[0], (std::pair<std::string, std::string>{"X-User-Tier", "ELITE"}));
  EXPECT_EQ(in->headers[1].second, "");
  EXPECT_EQ(in->peer.to_string(), "2001:db8::1");
  EXPECT_TRUE(parse_request_description(args("GET /"), error)->peer.is_unspecified());
}

TEST(RequestDescription, MalformedOnesAreErrors) {
  for (const auto& bad :
       {args(""), args("GET"), args("GET /x y"), args("GET x"), args("GE T /x"), args("G@T /x"),
        args("GET /x", {"NoColon"}), args("GET /x", {" X: y"}), args("GET /x", {"X: a\r\nY: b"}),
        args("GET /x", {}, "10.0.0"), args("GET /x\x01")}) {
    std::string error;
    EXPECT_FALSE(parse_request_description(bad, error)) << bad.request;
    EXPECT_FALSE(error.empty()) << bad.request;
  }
}

}  // namespace
