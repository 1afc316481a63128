#include "smart_router/upstream/endpoint.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using smart_router::upstream::ActiveHealth;
using smart_router::upstream::ActiveRequestGuard;
using smart_router::upstream::Endpoint;
using smart_router::upstream::split_host_port;
using smart_router::upstream::steady_now_ms;

struct Split {
  bool ok;
  std::string host;
  std::string port;
};

Split split(const std::string& address) {
  Split s{false, "<unset>", "<unset>"};
  s.ok = split_host_port(address, s.host, s.port);
  return s;
}

TEST(SplitHostPort, Ipv4AndNames) {
  auto s = split("127.0.0.1:9001");
  EXPECT_TRUE(s.ok);
  EXPECT_EQ(s.host, "127.0.0.1");
  EXPECT_EQ(s.port, "9001");

  s = split("shared-svc.default.svc.cluster.local:80");
  EXPECT_TRUE(s.ok);
  EXPECT_EQ(s.host, "shared-svc.default.svc.cluster.local");
  EXPECT_EQ(s.port, "80");

  s = split("localhost:65535");
  EXPECT_TRUE(s.ok);
  EXPECT_EQ(s.port, "65535");
}

TEST(SplitHostPort, BracketedIpv6) {
  auto s = split("[::1]:8080");
  EXPECT_TRUE(s.ok);
  EXPECT_EQ(s.host, "::1");
  EXPECT_EQ(s.port, "8080");

  s = split("[2001:db8::17]:443");
  EXPECT_TRUE(s.ok);
  EXPECT_EQ(s.host, "2001:db8::17");
  EXPECT_EQ(s.port, "443");

  s = split("[::]:1");
  EXPECT_TRUE(s.ok);
  EXPECT_EQ(s.host, "::");
  EXPECT_EQ(s.port, "1");
}

TEST(SplitHostPort, MissingPartsAreRejected) {
  for (const char* bad :
       {"", "host", "host:", ":80", ":", "[::1]", "[::1]:", "[::1]8080", "[::1:8080", "[::1]x:80"})
    EXPECT_FALSE(split(bad).ok) << '"' << bad << '"';
}

TEST(SplitHostPort, BadPortsAreRejected) {
  for (const char* bad : {"host:65536", "host:99999", "host:123456", "host:8a", "host:-1",
                          "host:+80", "host: 80", "host:80 ", "host:0x50", "[::1]:70000"})
    EXPECT_FALSE(split(bad).ok) << '"' << bad << '"';
}

TEST(SplitHostPort, EmptyBracketedHostIsRejected) {
  // "[]" carries no address at all; there is nothing to connect to.
  EXPECT_FALSE(split("[]:80").ok);
}

TEST(SplitHostPort, UnbracketedIpv6IsRejected) {
  // The contract writes IPv6 as "[::]:8080": without brackets "2001:db8::1:80" is ambiguous
  // (the address 2001:db8::1:80 with no port, or 2001:db8::1 port 80), and the config's own
  // host:port parser rejects it.
  EXPECT_FALSE(split("::1:8080").ok);
  EXPECT_FALSE(split("2001:db8::1:80").ok);
}

TEST(Endpoint, KeepsPoolAddressAndSplitsIt) {
  const Endpoint ep("shared", "[::1]:9001");
  EXPECT_EQ(ep.pool(), "shared");
  EXPECT_EQ(ep.address(), "[::1]:9001");
  EXPECT_EQ(ep.host(), "::1");
  EXPECT_EQ(ep.port(), "9001");
}

TEST(Endpoint, FreshEndpointIsRoutableAndUnknown) {
  const Endpoint ep("shared", "127.0.0.1:9001");
  EXPECT_EQ(ep.active_health(), ActiveHealth::unknown);
  EXPECT_TRUE(ep.routable(0));
  EXPECT_TRUE(ep.routable(1'000'000));
  EXPECT_FALSE(ep.ejected(0));
}

TEST(Endpoint, ActiveFailureMakesItUnroutable) {
  Endpoint ep("shared", "127.0.0.1:9001");
  ep.set_active_health(ActiveHealth::unhealthy);
  EXPECT_FALSE(ep.routable(100));
  ep.set_active_health(ActiveHealth::healthy);
  EXPECT_TRUE(ep.routable(100));
}

TEST(Endpoint, EjectionLastsUntilItsEnd) {
  Endpoint ep("shared", "127.0.0.1:9001");
  ep.eject_until(5000);
  EXPECT_TRUE(ep.ejected(4999));
  EXPECT_FALSE(ep.routable(4999));
  EXPECT_FALSE(ep.ejected(5000));
  EXPECT_TRUE(ep.routable(5000));
}

TEST(Endpoint, ConsecutiveFailuresCountAndReset) {
  Endpoint ep("shared", "127.0.0.1:9001");
  EXPECT_EQ(ep.note_failure(), 1u);
  EXPECT_EQ(ep.note_failure(), 2u);
  EXPECT_EQ(ep.note_failure(), 3u);
  ep.note_success();
  EXPECT_EQ(ep.note_failure(), 1u);
}

TEST(Endpoint, ResolvedAddresses) {
  Endpoint ep("shared", "localhost:80");
  EXPECT_EQ(ep.resolved(), nullptr);  // not resolved yet
  const boost::asio::ip::tcp::endpoint a(boost::asio::ip::make_address("127.0.0.1"), 80);
  const boost::asio::ip::tcp::endpoint b(boost::asio::ip::make_address("::1"), 80);
  ep.set_resolved({a, b});
  const auto r = ep.resolved();
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0], a);
  EXPECT_EQ((*r)[1], b);
}

TEST(ActiveRequestGuard, CountsWhileAlive) {
  Endpoint ep("shared", "127.0.0.1:9001");
  {
    ActiveRequestGuard g1(ep);
    EXPECT_EQ(ep.active_requests.load(), 1);
    {
      ActiveRequestGuard g2(ep);
      EXPECT_EQ(ep.active_requests.load(), 2);
    }
    EXPECT_EQ(ep.active_requests.load(), 1);
  }
  EXPECT_EQ(ep.active_requests.load(), 0);
}

TEST(SteadyNowMs, IsMonotonic) {
  const auto a = steady_now_ms();
  const auto b = steady_now_ms();
  EXPECT_GE(b, a);
  EXPECT_GT(a, 0);
}

}  // namespace
