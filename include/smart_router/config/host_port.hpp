// "host:port" and "[v6]:port" parsing shared by the validator, the env overrides and the
// modules that bind or connect (listener, upstream).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smart_router::config {

struct HostPort {
  std::string host;  // without brackets for IPv6
  std::uint16_t port = 0;
  bool ipv6 = false;  // written as [addr]:port
};

// A listen address: IPv4 literal or [IPv6 literal], then a port 0..65535 (0 = any free port).
// On failure returns nullopt and sets *why to a short reason.
std::optional<HostPort> parse_listen_address(std::string_view text, std::string* why);

// An upstream endpoint: DNS name, IPv4 literal or [IPv6 literal], then a port 1..65535.
std::optional<HostPort> parse_endpoint(std::string_view text, std::string* why);

// A URL's authority, "host[:port]" or "[v6][:port]", as parse_endpoint reads it, with
// `default_port` when it names none.
std::optional<HostPort> parse_authority(std::string_view authority, std::uint16_t default_port,
                                        std::string* why);

// "https://host[:port][/path[?query]]" (the JWKS URL): no user info, no fragment, port 443 when
// absent. `target` is the path and query ("/" when absent).
struct HttpsUrl {
  HostPort endpoint;
  std::string target;
};
std::optional<HttpsUrl> parse_https_url(std::string_view text, std::string* why);

}  // namespace smart_router::config
