#include "smart_router/http/client_address.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace smart_router::http {
namespace {

namespace ip = boost::asio::ip;

const tier::CidrSet kProxies({"10.0.0.0/8", "fd00::/8"});

ip::address walk(const char* peer, std::vector<std::string_view> lines,
                 const tier::CidrSet& proxies = kProxies) {
  return resolve_client(ip::make_address(peer), lines, proxies);
}

TEST(ResolveClient, UntrustedPeerIsTheClientWhateverItSends) {
  const auto c = walk("198.51.100.9", {"203.0.113.7"});
  EXPECT_EQ(c.to_string(), "198.51.100.9");
}

TEST(ResolveClient, NoTrustedProxiesMeansThePeer) {
  const auto c = walk("10.0.0.1", {"203.0.113.7"}, tier::CidrSet{});
  EXPECT_EQ(c.to_string(), "10.0.0.1");
}

TEST(ResolveClient, TrustedPeerWithoutTheHeaderIsTheClient) {
  const auto c = walk("10.0.0.1", {});
  EXPECT_EQ(c.to_string(), "10.0.0.1");
}

TEST(ResolveClient, RightmostUntrustedEntryIsTheClient) {
  // The client forged "1.2.3.4" in front; the load balancer appended what it saw.
  const auto c = walk("10.0.0.1", {"1.2.3.4, 203.0.113.7"});
  EXPECT_EQ(c.to_string(), "203.0.113.7");
}

TEST(ResolveClient, TrustedHopsAreSkippedRecursively) {
  const auto c = walk("10.0.0.1", {"1.2.3.4, 203.0.113.7, 10.1.1.1, 10.2.2.2"});
  EXPECT_EQ(c.to_string(), "203.0.113.7");
}

TEST(ResolveClient, RepeatedLinesAreOneListInOrder) {
  const auto c = walk("10.0.0.1", {"1.2.3.4, 203.0.113.7", "10.1.1.1"});
  EXPECT_EQ(c.to_string(), "203.0.113.7");
}

TEST(ResolveClient, AllTrustedMeansTheLeftmost) {
  const auto c = walk("10.0.0.1", {"10.3.3.3, 10.1.1.1"});
  EXPECT_EQ(c.to_string(), "10.3.3.3");
}

TEST(ResolveClient, MalformedEntryStopsTheWalkAtTheLastGoodAddress) {
  // "unknown" cannot be a client; everything right of it is a trusted proxy, the nearest of
  // which is the best address left to believe.
  auto c = walk("10.0.0.1", {"203.0.113.7, unknown, 10.1.1.1"});
  EXPECT_EQ(c.to_string(), "10.1.1.1");
  c = walk("10.0.0.1", {"203.0.113.7, not-an-ip"});
  EXPECT_EQ(c.to_string(), "10.0.0.1");
}

TEST(ResolveClient, EmptyElementsAreSkipped) {
  const auto c = walk("10.0.0.1", {" , 203.0.113.7 ,, "});
  EXPECT_EQ(c.to_string(), "203.0.113.7");
}

TEST(ResolveClient, TooLongAChainStopsAtTheLimit) {
  std::string chain = "203.0.113.7";
  for (std::size_t i = 0; i < kMaxForwardedHops; ++i) chain += ", 10.9.9." + std::to_string(i);
  const auto c = walk("10.0.0.1", {chain});
  EXPECT_EQ(c.to_string(), "10.9.9.0");  // the 16th hop from the right
}

TEST(ResolveClient, IPv6AndMappedAddresses) {
  auto c = walk("fd00::1", {"2001:db8::5, fd00::2"});
  EXPECT_EQ(c.to_string(), "2001:db8::5");
  c = walk("10.0.0.1", {"::ffff:203.0.113.7"});
  EXPECT_TRUE(c.is_v4());
  EXPECT_EQ(c.to_string(), "203.0.113.7");
  // A mapped peer counts as its IPv4 address for the trust check.
  c = walk("::ffff:10.0.0.1", {"203.0.113.7"});
  EXPECT_EQ(c.to_string(), "203.0.113.7");
}

TEST(ParseForwardedEntry, AcceptsAddressesWithAndWithoutPorts) {
  EXPECT_EQ(parse_forwarded_entry("203.0.113.7")->to_string(), "203.0.113.7");
  EXPECT_EQ(parse_forwarded_entry("203.0.113.7:4711")->to_string(), "203.0.113.7");
  EXPECT_EQ(parse_forwarded_entry("2001:db8::1")->to_string(), "2001:db8::1");
  EXPECT_EQ(parse_forwarded_entry("[2001:db8::1]")->to_string(), "2001:db8::1");
  EXPECT_EQ(parse_forwarded_entry("[2001:db8::1]:443")->to_string(), "2001:db8::1");
}

TEST(ParseForwardedEntry, RefusesWhatIsNotAnAddress) {
  for (const char* bad : {"", "unknown", "_hidden", "example.com", "203.0.113.7:", "1.2.3.4:99999",
                          "[2001:db8::1", "[203.0.113.7]", "fe80::1%eth0", "1.2.3", "[::1]x"})
    EXPECT_FALSE(parse_forwarded_entry(bad).has_value()) << bad;
}

}  // namespace
}  // namespace smart_router::http
