#include "smart_router/config/host_port.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace smart_router::config {

namespace {

// inet_pton reads a C string: a NUL inside `s` would end it early and pass what follows.
bool is_ipv4(const std::string& s) {
  in_addr a{};
  return s.find('\0') == std::string::npos && ::inet_pton(AF_INET, s.c_str(), &a) == 1;
}

bool is_ipv6(const std::string& s) {
  in6_addr a{};
  return s.find('\0') == std::string::npos && ::inet_pton(AF_INET6, s.c_str(), &a) == 1;
}

bool all_digits_or_dots(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == '.' || std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

// RFC 1123 host name; '_' tolerated (seen in Kubernetes/SRV-style names).
bool is_dns_name(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  if (s.back() == '.') s.remove_suffix(1);  // fully qualified
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto dot = s.find('.', start);
    const auto label =
        s.substr(start, dot == std::string_view::npos ? s.size() - start : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    for (char c : label)
      if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_') return false;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

// Splits "host:port" / "[v6]:port" and parses the port; host checks are the caller's.
std::optional<HostPort> split(std::string_view text, bool allow_port_zero, std::string* why) {
  HostPort hp;
  std::string_view port;
  if (text.empty()) {
    *why = "empty address";
    return std::nullopt;
  }
  if (text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
      *why = "missing ']' after the IPv6 address";
      return std::nullopt;
    }
    hp.host = std::string(text.substr(1, close - 1));
    hp.ipv6 = true;
    const auto rest = text.substr(close + 1);
    if (rest.empty() || rest.front() != ':') {
      *why = "missing \":PORT\" after \"]\"";
      return std::nullopt;
    }
    port = rest.substr(1);
    if (!is_ipv6(hp.host)) {
      *why = "\"" + hp.host + "\" is not an IPv6 address";
      return std::nullopt;
    }
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      *why = "missing \":PORT\"";
      return std::nullopt;
    }
    if (text.find(':') != colon) {
      *why = "an IPv6 address must be in brackets, e.g. [::1]:8080";
      return std::nullopt;
    }
    hp.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
    if (hp.host.empty()) {
      *why = "missing host before \":\"";
      return std::nullopt;
    }
  }
  unsigned value = 0;
  const auto* end = port.data() + port.size();
  const auto [ptr, ec] = std::from_chars(port.data(), end, value);
  const bool digits = !port.empty() && std::all_of(port.begin(), port.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
  if (!digits || ec != std::errc{} || ptr != end || value > 65535 ||
      (value == 0 && !allow_port_zero)) {
    *why = "port \"" + std::string(port) + "\" is not a number in " +
           (allow_port_zero ? "0..65535" : "1..65535");
    return std::nullopt;
  }
  hp.port = static_cast<std::uint16_t>(value);
  return hp;
}

}  // namespace

std::optional<HostPort> parse_listen_address(std::string_view text, std::string* why) {
  auto hp = split(text, /*allow_port_zero=*/true, why);
  if (!hp) return std::nullopt;
  if (!hp->ipv6 && !is_ipv4(hp->host)) {
    *why = "host \"" + hp->host +
           "\" is not an IP address (use e.g. 0.0.0.0:8080, 127.0.0.1:8080 or [::]:8080)";
    return std::nullopt;
  }
  return hp;
}

std::optional<HostPort> parse_endpoint(std::string_view text, std::string* why) {
  auto hp = split(text, /*allow_port_zero=*/false, why);
  if (!hp) return std::nullopt;
  if (hp->ipv6) return hp;
  if (all_digits_or_dots(hp->host) ? !is_ipv4(hp->host) : !is_dns_name(hp->host)) {
    *why = "host \"" + hp->host + "\" is neither an IP address nor a valid DNS name";
    return std::nullopt;
  }
  return hp;
}

std::optional<HostPort> parse_authority(std::string_view authority, std::uint16_t default_port,
                                        std::string* why) {
  std::string with_port(authority);
  const bool has_port = !authority.empty() && authority.front() == '['
                            ? authority.find("]:") != std::string_view::npos
                            : authority.find(':') != std::string_view::npos;
  if (!has_port) with_port += ":" + std::to_string(default_port);
  return parse_endpoint(with_port, why);
}

std::optional<HttpsUrl> parse_https_url(std::string_view text, std::string* why) {
  constexpr std::string_view kScheme = "https://";
  if (text.size() < kScheme.size() ||
      !std::equal(kScheme.begin(), kScheme.end(), text.begin(), [](char a, char b) {
        return a == std::tolower(static_cast<unsigned char>(b));
      })) {
    *why = "must start with https:// (keys are only fetched over TLS)";
    return std::nullopt;
  }
  text.remove_prefix(kScheme.size());
  if (text.find_first_of("# \t") != std::string_view::npos) {
    *why = "spaces and fragments (#) are not allowed";
    return std::nullopt;
  }
  const auto slash = text.find_first_of("/?");
  std::string_view authority = text.substr(0, slash);
  HttpsUrl url;
  url.target = slash == std::string_view::npos ? "/" : std::string(text.substr(slash));
  if (url.target.front() == '?') url.target.insert(url.target.begin(), '/');
  if (authority.find('@') != std::string_view::npos) {
    *why = "user info (user@) is not allowed";
    return std::nullopt;
  }
  auto hp = parse_authority(authority, 443, why);
  if (!hp) return std::nullopt;
  url.endpoint = std::move(*hp);
  return url;
}

}  // namespace smart_router::config
