#include "smart_router/tier/cidr.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace smart_router::tier {
namespace {

namespace ip = boost::asio::ip;

[[noreturn]] void fail(std::string_view text, std::string_view why) {
  std::string msg = "invalid CIDR '";
  msg.append(text).append("': ").append(why);
  throw std::invalid_argument(msg);
}

// The peer as the family it really is: a v4-mapped IPv6 address is its IPv4 address.
struct Peer {
  bool v4 = false;
  std::array<unsigned char, 16> v6{};  // IPv6 form (::ffff:a.b.c.d for IPv4)
  std::array<unsigned char, 4> v4b{};
};

Peer normalize(const ip::address& addr) noexcept {
  Peer p;
  if (addr.is_v4()) {
    p.v4 = true;
    p.v4b = addr.to_v4().to_bytes();
    p.v6 = ip::make_address_v6(ip::v4_mapped, addr.to_v4()).to_bytes();
  } else {
    const ip::address_v6 v6 = addr.to_v6();
    p.v6 = v6.to_bytes();
    if (v6.is_v4_mapped()) {
      p.v4 = true;
      std::copy(p.v6.begin() + 12, p.v6.end(), p.v4b.begin());
    }
  }
  return p;
}

bool prefix_equal(const unsigned char* a, const unsigned char* b, unsigned prefix) noexcept {
  const unsigned full = prefix / 8;
  if (!std::equal(a, a + full, b)) return false;
  const unsigned rest = prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<unsigned char>(0xFFu << (8 - rest));
  return (a[full] & mask) == (b[full] & mask);
}

}  // namespace

Cidr Cidr::parse(std::string_view text) {
  if (text.empty()) fail(text, "empty");
  const std::size_t slash = text.find('/');
  const std::string_view addr_text = text.substr(0, slash);
  if (addr_text.find('%') != std::string_view::npos) fail(text, "scope ids are not allowed");

  boost::system::error_code ec;
  const ip::address addr = ip::make_address(std::string(addr_text), ec);
  if (ec) fail(text, "not an IPv4 or IPv6 address");

  Cidr c;
  c.v4_ = addr.is_v4();
  const unsigned max_prefix = c.v4_ ? 32 : 128;
  c.prefix_ = max_prefix;
  if (slash != std::string_view::npos) {
    const std::string_view len = text.substr(slash + 1);
    unsigned value = 0;
    const auto [end, err] = std::from_chars(len.data(), len.data() + len.size(), value);
    if (len.empty() || err != std::errc() || end != len.data() + len.size())
      fail(text, "the prefix length is not a number");
    if (value > max_prefix)
      fail(text, c.v4_ ? "the prefix length is over 32" : "the prefix length is over 128");
    c.prefix_ = value;
  }

  if (c.v4_) {
    const auto b = addr.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), c.network_.begin());
  } else {
    c.network_ = addr.to_v6().to_bytes();
  }

  // Host bits set after the prefix are almost always a typo: say so instead of guessing.
  std::array<unsigned char, 16> masked{};
  const unsigned full = c.prefix_ / 8;
  std::copy(c.network_.begin(), c.network_.begin() + full, masked.begin());
  if (c.prefix_ % 8 != 0)
    masked[full] = static_cast<unsigned char>(c.network_[full] & (0xFFu << (8 - c.prefix_ % 8)));
  if (masked != c.network_) {
    Cidr fixed = c;
    fixed.network_ = masked;
    fail(text, "host bits are set after the prefix (did you mean " + fixed.to_string() + "?)");
  }
  return c;
}

bool Cidr::matches_bytes(const unsigned char* bytes) const noexcept {
  return prefix_equal(network_.data(), bytes, prefix_);
}

bool Cidr::contains(const ip::address& addr) const noexcept {
  const Peer p = normalize(addr);
  if (v4_) return p.v4 && matches_bytes(p.v4b.data());
  return matches_bytes(p.v6.data());
}

std::string Cidr::to_string() const {
  std::string out;
  if (v4_) {
    ip::address_v4::bytes_type b{};
    std::copy(network_.begin(), network_.begin() + 4, b.begin());
    out = ip::address_v4(b).to_string();
  } else {
    out = ip::address_v6(network_).to_string();
  }
  return out + "/" + std::to_string(prefix_);
}

CidrSet::CidrSet(const std::vector<std::string>& texts) {
  ranges_.reserve(texts.size());
  for (const auto& t : texts) ranges_.push_back(Cidr::parse(t));
}

bool CidrSet::contains(const ip::address& addr) const noexcept {
  return std::any_of(ranges_.begin(), ranges_.end(),
                     [&](const Cidr& c) { return c.contains(addr); });
}

}  // namespace smart_router::tier
