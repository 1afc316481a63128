#include "smart_router/http/client_address.hpp"

#include <array>
#include <charconv>
#include <optional>

namespace smart_router::http {
namespace ip = boost::asio::ip;

namespace {

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_port(std::string_view s) noexcept {
  unsigned port = 0;
  const auto* end = s.data() + s.size();
  const auto [p, ec] = std::from_chars(s.data(), end, port);
  return !s.empty() && ec == std::errc() && p == end && port <= 65535;
}

std::optional<ip::address> parse_bare(std::string_view text, bool want_v6) {
  if (text.empty() || text.find('%') != std::string_view::npos) return std::nullopt;
  boost::system::error_code ec;
  auto addr = ip::make_address(std::string(text), ec);
  if (ec || addr.is_v6() != want_v6) return std::nullopt;
  if (addr.is_v6() && addr.to_v6().is_v4_mapped())
    addr = ip::make_address_v4(ip::v4_mapped, addr.to_v6());
  return addr;
}

}  // namespace

std::optional<ip::address> parse_forwarded_entry(std::string_view entry) {
  if (entry.empty()) return std::nullopt;
  if (entry.front() == '[') {  // [v6] or [v6]:port
    const auto close = entry.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const auto rest = entry.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || !is_port(rest.substr(1)))) return std::nullopt;
    return parse_bare(entry.substr(1, close - 1), true);
  }
  const auto colon = entry.find(':');
  if (colon == std::string_view::npos) return parse_bare(entry, false);
  if (entry.find(':', colon + 1) != std::string_view::npos) return parse_bare(entry, true);
  // v4:port
  if (!is_port(entry.substr(colon + 1))) return std::nullopt;
  return parse_bare(entry.substr(0, colon), false);
}

ip::address resolve_client(const ip::address& peer, std::span<const std::string_view> xff_lines,
                           const tier::CidrSet& trusted_proxies) {
  ip::address client = peer;
  if (trusted_proxies.empty() || !trusted_proxies.contains(peer)) return client;
  std::size_t n = 0;  // entries walked, right to left
  bool stop = false;
  for (auto line = xff_lines.rbegin(); line != xff_lines.rend() && !stop; ++line) {
    std::string_view rest = *line;
    for (;;) {
      const auto comma = rest.rfind(',');
      const auto entry = trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
      if (!entry.empty()) {  // an empty list element (", ,") is no entry (RFC 9110 5.6.1)
        const auto addr = parse_forwarded_entry(entry);
        stop = !addr || n == kMaxForwardedHops;  // malformed, or too long a chain
        if (stop) break;
        ++n;
        client = *addr;
        stop = !trusted_proxies.contains(*addr);  // found the client
        if (stop) break;
      }
      if (comma == std::string_view::npos) break;
      rest = rest.substr(0, comma);
    }
  }
  return client;
}

}  // namespace smart_router::http
