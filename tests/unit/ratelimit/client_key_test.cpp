#include "smart_router/ratelimit/client_key.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace {

using smart_router::config::ClientKeyKind;
using smart_router::ratelimit::client_key;
using smart_router::ratelimit::KeySource;
using smart_router::ratelimit::kMaxKeyValueBytes;
using smart_router::ratelimit::RequestFacts;
namespace ip = boost::asio::ip;

using Headers = std::map<std::string, std::string, std::less<>>;

std::optional<std::string_view> lookup(const void* ctx, std::string_view name) {
  const auto& h = *static_cast<const Headers*>(ctx);
  const auto it = h.find(name);
  if (it == h.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::string key_of(const KeySource& src, std::string_view subject, const std::string& peer,
                   const Headers& headers = {}) {
  RequestFacts f{subject, ip::make_address(peer), &lookup, &headers};
  std::string out;
  client_key(src, f, out);
  return out;
}

const KeySource kByIp{ClientKeyKind::client_ip, {}};
const KeySource kBySubject{ClientKeyKind::jwt_subject, {}};
const KeySource kByHeader{ClientKeyKind::header, "X-Api-Key"};

TEST(ClientKey, ClientIpSeparatesAddresses) {
  EXPECT_NE(key_of(kByIp, {}, "127.0.0.1"), key_of(kByIp, {}, "127.0.0.2"));
  EXPECT_EQ(key_of(kByIp, {}, "127.0.0.1"), key_of(kByIp, {}, "127.0.0.1"));
}

TEST(ClientKey, IPv6IsKeyedByItsSlash64) {
  EXPECT_EQ(key_of(kByIp, {}, "2001:db8:1:2::1"), key_of(kByIp, {}, "2001:db8:1:2:ffff::9"));
  EXPECT_NE(key_of(kByIp, {}, "2001:db8:1:2::1"), key_of(kByIp, {}, "2001:db8:1:3::1"));
}

TEST(ClientKey, IPv4MappedCountsAsTheIPv4Address) {
  EXPECT_EQ(key_of(kByIp, {}, "::ffff:192.0.2.7"), key_of(kByIp, {}, "192.0.2.7"));
}

TEST(ClientKey, SubjectWhenVerifiedElseTheClientIp) {
  EXPECT_EQ(key_of(kBySubject, "user-1", "192.0.2.1"), key_of(kBySubject, "user-1", "192.0.2.2"))
      << "one user from two addresses is one client";
  EXPECT_NE(key_of(kBySubject, "user-1", "192.0.2.1"), key_of(kBySubject, "user-2", "192.0.2.1"));
  EXPECT_EQ(key_of(kBySubject, {}, "192.0.2.1"), key_of(kByIp, {}, "192.0.2.1"));
}

TEST(ClientKey, HeaderValueWhenPresentElseTheClientIp) {
  const Headers a{{"X-Api-Key", "key-a"}};
  const Headers b{{"X-Api-Key", " key-b\t"}};
  const Headers blank{{"X-Api-Key", "  "}};
  EXPECT_EQ(key_of(kByHeader, {}, "192.0.2.1", a), key_of(kByHeader, {}, "192.0.2.9", a));
  EXPECT_NE(key_of(kByHeader, {}, "192.0.2.1", a), key_of(kByHeader, {}, "192.0.2.1", b));
  EXPECT_EQ(key_of(kByHeader, {}, "192.0.2.1", b),
            key_of(kByHeader, {}, "192.0.2.1", Headers{{"X-Api-Key", "key-b"}}))
      << "surrounding whitespace is not part of the value";
  EXPECT_EQ(key_of(kByHeader, {}, "192.0.2.1", blank), key_of(kByIp, {}, "192.0.2.1"));
  EXPECT_EQ(key_of(kByHeader, {}, "192.0.2.1"), key_of(kByIp, {}, "192.0.2.1"));
}

TEST(ClientKey, AValueThatLooksLikeAnAddressIsNotThatAddress) {
  const Headers h{{"X-Api-Key", std::string("\x7f\x00\x00\x01", 4)}};
  EXPECT_NE(key_of(kByHeader, {}, "192.0.2.1", h), key_of(kByIp, {}, "127.0.0.1"));
}

TEST(ClientKey, LongValuesAreCappedButStayDistinct) {
  const std::string long_a(10000, 'a');
  std::string long_b = long_a;
  long_b.back() = 'b';
  const auto ka = key_of(kBySubject, long_a, "192.0.2.1");
  const auto kb = key_of(kBySubject, long_b, "192.0.2.1");
  EXPECT_LE(ka.size(), kMaxKeyValueBytes + 1);
  EXPECT_NE(ka, kb) << "values sharing a long prefix differ in the hash of the whole";
}

}  // namespace
