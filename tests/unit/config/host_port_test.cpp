#include "smart_router/config/host_port.hpp"

#include <gtest/gtest.h>

namespace smart_router::config {
namespace {

TEST(ListenAddressTest, AcceptsIpv4AndBracketedIpv6) {
  std::string why;
  auto a = parse_listen_address("0.0.0.0:8080", &why);
  ASSERT_TRUE(a) << why;
  EXPECT_EQ(a->host, "0.0.0.0");
  EXPECT_EQ(a->port, 8080);
  EXPECT_FALSE(a->ipv6);

  auto b = parse_listen_address("[::]:443", &why);
  ASSERT_TRUE(b) << why;
  EXPECT_EQ(b->host, "::");
  EXPECT_EQ(b->port, 443);
  EXPECT_TRUE(b->ipv6);

  auto c = parse_listen_address("127.0.0.1:0", &why);  // any free port
  ASSERT_TRUE(c) << why;
  EXPECT_EQ(c->port, 0);
}

TEST(ListenAddressTest, RejectsBadAddresses) {
  struct Case {
    const char* text;
    const char* reason;
  };
  for (const auto& [text, reason] : {
           Case{"", "empty"},
           Case{"8080", "missing \":PORT\""},
           Case{"0.0.0.0", "missing \":PORT\""},
           Case{":8080", "missing host"},
           Case{"0.0.0.0:", "port \"\""},
           Case{"0.0.0.0:65536", "port \"65536\""},
           Case{"0.0.0.0:-1", "port \"-1\""},
           Case{"0.0.0.0:80x", "port \"80x\""},
           Case{"::1:8080", "must be in brackets"},
           Case{"[::1]8080", "missing \":PORT\" after"},
           Case{"[::1:8080", "missing ']'"},
           Case{"[1.2.3.4]:80", "not an IPv6 address"},
           Case{"localhost:8080", "not an IP address"},
           Case{"256.0.0.1:80", "not an IP address"},
       }) {
    std::string why;
    EXPECT_FALSE(parse_listen_address(text, &why)) << text;
    EXPECT_NE(why.find(reason), std::string::npos) << text << " -> " << why;
  }
}

TEST(EndpointTest, AcceptsNamesAndAddresses) {
  std::string why;
  for (const char* text : {"127.0.0.1:9001", "backend:80", "svc.ns.svc.cluster.local:8080",
                           "my_host-1.example.com.:1", "[fd00::1]:65535"}) {
    EXPECT_TRUE(parse_endpoint(text, &why)) << text << ": " << why;
  }
  auto e = parse_endpoint("shared.default.svc:9001", &why);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->host, "shared.default.svc");
  EXPECT_EQ(e->port, 9001);
}

TEST(EndpointTest, RejectsBadEndpoints) {
  std::string why;
  for (const char* text : {"127.0.0.1", "127.0.0.1:0", "host:99999", "-bad.example:80", "a..b:80",
                           "300.1.1.1:80", "has space:80", "fd00::1:80", ":80"}) {
    EXPECT_FALSE(parse_endpoint(text, &why)) << text;
    EXPECT_FALSE(why.empty()) << text;
  }
}

// inet_pton stops at a NUL: what follows it must not pass along (it would reach the access
// log's line, which writes an endpoint's address as it is).
TEST(EndpointTest, RejectsANulInsideAnAddress) {
  using namespace std::string_literals;
  std::string why;
  for (const auto& text : {"[::1\0\"x]:8080"s, "127.0.0.1\0\":80"s, "[fd00::1\0]:80"s}) {
    EXPECT_FALSE(parse_endpoint(text, &why)) << text;
    EXPECT_FALSE(parse_listen_address(text, &why)) << text;
  }
}

TEST(HttpsUrlTest, HostPortAndTarget) {
  std::string why;
  auto u = parse_https_url("https://idp.example.com/.well-known/jwks.json", &why);
  ASSERT_TRUE(u) << why;
  EXPECT_EQ(u->endpoint.host, "idp.example.com");
  EXPECT_EQ(u->endpoint.port, 443);
  EXPECT_EQ(u->target, "/.well-known/jwks.json");
  u = parse_https_url("HTTPS://127.0.0.1:8443", &why);
  ASSERT_TRUE(u) << why;
  EXPECT_EQ(u->endpoint.port, 8443);
  EXPECT_EQ(u->target, "/");
  u = parse_https_url("https://[::1]/keys?tenant=a", &why);
  ASSERT_TRUE(u) << why;
  EXPECT_EQ(u->endpoint.host, "::1");
  EXPECT_TRUE(u->endpoint.ipv6);
  EXPECT_EQ(u->endpoint.port, 443);
  EXPECT_EQ(u->target, "/keys?tenant=a");
  u = parse_https_url("https://[::1]:9443?x", &why);
  ASSERT_TRUE(u) << why;
  EXPECT_EQ(u->endpoint.port, 9443);
  EXPECT_EQ(u->target, "/?x");
}

TEST(HttpsUrlTest, RejectsWhatCannotBeFetchedSafely) {
  for (const char* bad : {"http://idp/jwks", "idp/jwks", "", "https://", "https://user@idp/jwks",
                          "https://idp/jwks#frag", "https://idp:0/jwks", "https://idp:99999/",
                          "https://bad host/", "https://[::1/"}) {
    std::string why;
    EXPECT_FALSE(parse_https_url(bad, &why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
}

}  // namespace
}  // namespace smart_router::config
