#include "smart_router/tier/cidr.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using smart_router::tier::Cidr;
using smart_router::tier::CidrSet;

boost::asio::ip::address addr(const char* text) {
  return boost::asio::ip::make_address(text);
}

TEST(Cidr, ParsesIpv4AndMatchesInsideOnly) {
  const Cidr c = Cidr::parse("10.0.0.0/8");
  EXPECT_TRUE(c.is_v4());
  EXPECT_EQ(c.prefix_length(), 8u);
  EXPECT_TRUE(c.contains(addr("10.0.0.0")));
  EXPECT_TRUE(c.contains(addr("10.255.255.255")));
  EXPECT_FALSE(c.contains(addr("11.0.0.0")));
  EXPECT_FALSE(c.contains(addr("9.255.255.255")));
}

TEST(Cidr, PrefixNotOnAByteBoundary) {
  const Cidr c = Cidr::parse("172.16.0.0/12");
  EXPECT_TRUE(c.contains(addr("172.16.0.1")));
  EXPECT_TRUE(c.contains(addr("172.31.255.255")));
  EXPECT_FALSE(c.contains(addr("172.32.0.0")));
  EXPECT_FALSE(c.contains(addr("172.15.255.255")));
}

TEST(Cidr, ParsesIpv6AndMatchesInsideOnly) {
  const Cidr c = Cidr::parse("2001:db8::/32");
  EXPECT_FALSE(c.is_v4());
  EXPECT_TRUE(c.contains(addr("2001:db8::1")));
  EXPECT_TRUE(c.contains(addr("2001:db8:ffff:ffff::1")));
  EXPECT_FALSE(c.contains(addr("2001:db9::1")));
  EXPECT_FALSE(c.contains(addr("10.0.0.1")));

  const Cidr odd = Cidr::parse("fc00::/7");
  EXPECT_TRUE(odd.contains(addr("fdff::1")));
  EXPECT_TRUE(odd.contains(addr("fc00::1")));
  EXPECT_FALSE(odd.contains(addr("fe00::1")));
}

TEST(Cidr, BareAddressIsOneHost) {
  const Cidr v4 = Cidr::parse("192.168.1.10");
  EXPECT_EQ(v4.prefix_length(), 32u);
  EXPECT_TRUE(v4.contains(addr("192.168.1.10")));
  EXPECT_FALSE(v4.contains(addr("192.168.1.11")));

  const Cidr v6 = Cidr::parse("::1");
  EXPECT_EQ(v6.prefix_length(), 128u);
  EXPECT_TRUE(v6.contains(addr("::1")));
  EXPECT_FALSE(v6.contains(addr("::2")));
}

TEST(Cidr, ZeroPrefixMatchesItsWholeFamily) {
  EXPECT_TRUE(Cidr::parse("0.0.0.0/0").contains(addr("203.0.113.7")));
  EXPECT_FALSE(Cidr::parse("0.0.0.0/0").contains(addr("2001:db8::1")));
  EXPECT_TRUE(Cidr::parse("::/0").contains(addr("2001:db8::1")));
}

TEST(Cidr, Ipv4MappedPeerMatchesIpv4Range) {
  const Cidr c = Cidr::parse("10.1.0.0/16");
  EXPECT_TRUE(c.contains(addr("::ffff:10.1.2.3")));
  EXPECT_FALSE(c.contains(addr("::ffff:10.2.2.3")));
  // Not mapped: the same low 32 bits in another IPv6 prefix are not that IPv4 address.
  EXPECT_FALSE(c.contains(addr("::10.1.2.3")));
  EXPECT_FALSE(c.contains(addr("64:ff9b::a01:203")));
}

TEST(Cidr, MappedRangeWrittenAsIpv6MatchesIpv4Peer) {
  const Cidr c = Cidr::parse("::ffff:10.1.0.0/112");
  EXPECT_TRUE(c.contains(addr("10.1.2.3")));
  EXPECT_TRUE(c.contains(addr("::ffff:10.1.2.3")));
  EXPECT_FALSE(c.contains(addr("10.2.0.1")));
}

TEST(Cidr, ToStringIsCanonical) {
  EXPECT_EQ(Cidr::parse("10.0.0.0/8").to_string(), "10.0.0.0/8");
  EXPECT_EQ(Cidr::parse("2001:0db8:0000::/32").to_string(), "2001:db8::/32");
  EXPECT_EQ(Cidr::parse("127.0.0.1").to_string(), "127.0.0.1/32");
}

class CidrParseError : public ::testing::TestWithParam<const char*> {};

TEST_P(CidrParseError, ThrowsInvalidArgument) {
  EXPECT_THROW(Cidr::parse(GetParam()), std::invalid_argument) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Bad, CidrParseError,
                         ::testing::Values("", "/8", "10.0.0.0/", "10.0.0.0/33", "::/129",
                                           "10.0.0.0/abc", "10.0.0.0/-1", "10.0.0.0/+8",
                                           "10.0.0.0/8/8", "10.0.0.0/8 ", " 10.0.0.0/8",
                                           "300.0.0.0/8", "10.0.0/8", "10.0.0.0.0/8",
                                           "example.com/8", "fe80::1%eth0/64", "fe80::1%1",
                                           "2001:db8:::/32", "10.0.0.1/8", "2001:db8::1/32",
                                           "10.0.0.0/99999999999999999999"));

TEST(Cidr, HostBitsErrorSuggestsTheNetwork) {
  try {
    Cidr::parse("10.1.2.3/16");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("10.1.0.0/16"), std::string::npos) << e.what();
  }
}

TEST(CidrSet, MatchesWhenAnyRangeHolds) {
  const CidrSet set({"10.0.0.0/8", "2001:db8::/32"});
  EXPECT_EQ(set.size(), 2u);
  EXPECT_TRUE(set.contains(addr("10.9.9.9")));
  EXPECT_TRUE(set.contains(addr("::ffff:10.9.9.9")));
  EXPECT_TRUE(set.contains(addr("2001:db8::5")));
  EXPECT_FALSE(set.contains(addr("192.168.0.1")));
  EXPECT_FALSE(set.contains(addr("2001:db9::5")));
}

TEST(CidrSet, EmptyMatchesNothing) {
  const CidrSet set;
  EXPECT_TRUE(set.empty());
  EXPECT_FALSE(set.contains(addr("127.0.0.1")));
}

TEST(CidrSet, OneBadEntryThrows) {
  EXPECT_THROW(CidrSet({"10.0.0.0/8", "10.0.0.0/40"}), std::invalid_argument);
}

}  // namespace
