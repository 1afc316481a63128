// Fuzz target: CIDR parsing (tiers.trust.trusted_cidrs). Besides memory errors it fails when a
// range that parsed does not parse again from its canonical form to the same range, or does
// not contain its own network address; a bad range may only throw std::invalid_argument.
#include "smart_router/tier/cidr.hpp"

#include <boost/asio/ip/address.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using smart_router::tier::Cidr;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::optional<Cidr> cidr;
  try {
    cidr = Cidr::parse(text);
  } catch (const std::invalid_argument&) {
    return 0;
  }
  const std::string canonical = cidr->to_string();
  const Cidr again = Cidr::parse(canonical);  // throws (and fails) if the canonical form is bad
  if (again.to_string() != canonical || again.is_v4() != cidr->is_v4() ||
      again.prefix_length() != cidr->prefix_length())
    __builtin_trap();
  boost::system::error_code ec;
  const auto network = boost::asio::ip::make_address(canonical.substr(0, canonical.find('/')), ec);
  if (ec || !cidr->contains(network)) __builtin_trap();
  return 0;
}
