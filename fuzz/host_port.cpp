// Fuzz target: "host:port" parsing (server.listen, admin.listen, pool endpoints and the
// SHARED_ENDPOINT / PREMIUM_ENDPOINT overrides). Besides memory errors it fails when an
// address that parsed does not parse again, to the same host and port, from its own parts.
#include "smart_router/config/host_port.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace {

using smart_router::config::HostPort;

std::string format(const HostPort& hp) {
  return (hp.ipv6 ? "[" + hp.host + "]" : hp.host) + ":" + std::to_string(hp.port);
}

template <class Parse>
void round_trip(std::string_view text, Parse parse) {
  std::string why;
  const std::optional<HostPort> hp = parse(text, &why);
  if (!hp) {
    if (why.empty()) __builtin_trap();  // a refusal always says why
    return;
  }
  const auto again = parse(format(*hp), &why);
  if (!again || again->host != hp->host || again->port != hp->port || again->ipv6 != hp->ipv6)
    __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  round_trip(text, smart_router::config::parse_listen_address);
  round_trip(text, smart_router::config::parse_endpoint);
  return 0;
}
