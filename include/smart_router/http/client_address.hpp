// The client's real address behind load balancers and proxies (server.trusted_proxies), as
// nginx's real_ip_recursive finds it: when the TCP peer is a trusted proxy, X-Forwarded-For is
// walked from the right, each trusted proxy's entry skipped, and the first address that is not
// a trusted proxy is the client. A malformed entry stops the walk: the client is then the last
// address walked over (every address right of it is a trusted proxy, so it is the best that
// can be believed). From any other peer the header is not believed at all.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "smart_router/tier/cidr.hpp"

namespace smart_router::http {

// Entries walked at most; a longer chain stops there (as a malformed entry does).
inline constexpr std::size_t kMaxForwardedHops = 16;

// `xff_lines`: the value of each X-Forwarded-For field line, in order (they form one list).
boost::asio::ip::address resolve_client(const boost::asio::ip::address& peer,
                                        std::span<const std::string_view> xff_lines,
                                        const tier::CidrSet& trusted_proxies);

// One X-Forwarded-For entry: an IPv4 or IPv6 address, optionally "[v6]", "v4:port" or
// "[v6]:port" (as some load balancers write them). An IPv4-mapped IPv6 address is returned as
// the IPv4 address. nullopt: not an address ("unknown", an obfuscated name, a scope id).
std::optional<boost::asio::ip::address> parse_forwarded_entry(std::string_view entry);

}  // namespace smart_router::http
