#include "smart_router/upstream/endpoint.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using smart_router::upstream::ActiveHealth;
using smart_router::upstream::ActiveRequestGuard;
using smart_router::upstream::Endpoint;
using smart_router::upstream::steady_now_ms;

// Address parsing itself is tested with the config module (host_port_test.cpp).
TEST(Endpoint, HostAndPortComeFromTheAddress) {
  Endpoint v4("shared", "shared-svc.default.svc.cluster.local:80");
  EXPECT_EQ(v4.host(), "shared-svc.default.svc.cluster.local");
  EXPECT_EQ(v4.port(), "80");
  Endpoint v6("shared", "[::1]:9001");
  EXPECT_EQ(v6.host(), "::1");
  EXPECT_EQ(v6.port(), "9001");
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
  EXPECT_EQ(ep.note_failure(smart_router::upstream::EndpointFailure::reset), 1u);
  EXPECT_EQ(ep.note_failure(smart_router::upstream::EndpointFailure::reset), 2u);
  EXPECT_EQ(ep.note_failure(smart_router::upstream::EndpointFailure::reset), 3u);
  ep.note_success();
  EXPECT_EQ(ep.note_failure(smart_router::upstream::EndpointFailure::reset), 1u);
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
