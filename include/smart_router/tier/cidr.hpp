// IPv4 / IPv6 address ranges ("10.0.0.0/8", "2001:db8::/32", or a bare address for one host).
// An IPv4-mapped IPv6 peer (::ffff:a.b.c.d, what a dual-stack socket reports) is matched as
// the IPv4 address it carries, so IPv4 ranges cover it.
#pragma once

#include <array>
#include <boost/asio/ip/address.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace smart_router::tier {

class Cidr {
 public:
  // Throws std::invalid_argument with a readable message: not an address, a prefix length out
  // of range or not a number, a scope id, or host bits set after the prefix ("10.0.0.1/8").
  static Cidr parse(std::string_view text);

  bool contains(const boost::asio::ip::address& addr) const noexcept;

  bool is_v4() const noexcept { return v4_; }
  unsigned prefix_length() const noexcept { return prefix_; }
  std::string to_string() const;  // canonical form, always with the prefix length

 private:
  bool matches_bytes(const unsigned char* bytes) const noexcept;

  bool v4_ = true;
  unsigned prefix_ = 0;
  std::array<unsigned char, 16> network_{};  // IPv4 uses the first 4 bytes
};

// A list of ranges; contains() is true when any of them holds. Does not allocate when matching.
class CidrSet {
 public:
  CidrSet() = default;
  // Throws std::invalid_argument on the first bad entry.
  explicit CidrSet(const std::vector<std::string>& texts);

  bool contains(const boost::asio::ip::address& addr) const noexcept;
  bool empty() const noexcept { return ranges_.empty(); }
  std::size_t size() const noexcept { return ranges_.size(); }

 private:
  std::vector<Cidr> ranges_;
};

}  // namespace smart_router::tier
