#include "smart_router/http/hedging.hpp"

#include <gtest/gtest.h>

namespace {

namespace bhttp = boost::beast::http;
using smart_router::config::Hedge;
using smart_router::http::hedge_delay;
using smart_router::http::hedgeable;
using std::chrono::milliseconds;

TEST(Hedgeable, OnlySafeMethodsWithoutABody) {
  EXPECT_TRUE(hedgeable(bhttp::verb::get, false, false));
  EXPECT_TRUE(hedgeable(bhttp::verb::head, false, false));
  EXPECT_TRUE(hedgeable(bhttp::verb::options, false, false));
  EXPECT_FALSE(hedgeable(bhttp::verb::get, true, false));  // a body to send twice
  EXPECT_FALSE(hedgeable(bhttp::verb::get, false, true));  // an upgrade (WebSocket)
  // Idempotent is not enough: two PUTs or DELETEs at once may race each other upstream.
  EXPECT_FALSE(hedgeable(bhttp::verb::put, false, false));
  EXPECT_FALSE(hedgeable(bhttp::verb::delete_, false, false));
  EXPECT_FALSE(hedgeable(bhttp::verb::post, false, false));
}

TEST(HedgeDelay, AFixedDelayIsTaken) {
  Hedge h;
  h.delay_ms = 30;
  EXPECT_EQ(hedge_delay(h, 0.250), milliseconds(30));
}

TEST(HedgeDelay, AutoIsTheRecentP95AboveTheFloor) {
  Hedge h;  // delay_ms 0: auto, min_delay_ms 5
  EXPECT_EQ(hedge_delay(h, 0.012), std::chrono::microseconds(12000));
  EXPECT_EQ(hedge_delay(h, 0.001), milliseconds(5));
  EXPECT_EQ(hedge_delay(h, 0.0), milliseconds(5));  // nothing observed yet
  h.min_delay_ms = 1;
  EXPECT_EQ(hedge_delay(h, 0.0025), std::chrono::microseconds(2500));
}

}  // namespace
