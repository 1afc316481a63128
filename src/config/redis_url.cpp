#include "smart_router/config/redis_url.hpp"

#include <charconv>

namespace smart_router::config {

namespace {

constexpr std::uint32_t kMaxDb = 65535;
constexpr std::uint16_t kDefaultPort = 6379;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 percent-decoding of the user info.
std::optional<std::string> percent_decoded(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    const int hi = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
    const int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// "redis://" or "rediss://", case-insensitively: the length of the scheme, or 0.
std::size_t scheme_length(std::string_view text, bool& tls) {
  const auto lower_starts = [&](std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      char c = text[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != prefix[i]) return false;
    }
    return true;
  };
  if (lower_starts("rediss://")) {
    tls = true;
    return 9;
  }
  if (lower_starts("redis://")) {
    tls = false;
    return 8;
  }
  return 0;
}

}  // namespace

std::optional<RedisUrl> parse_redis_url(std::string_view text, std::string* why) {
  RedisUrl url;
  const std::size_t scheme = scheme_length(text, url.tls);
  if (scheme == 0) {
    *why = "must start with redis:// or rediss:// (TLS)";
    return std::nullopt;
  }
  text.remove_prefix(scheme);
  // The user info ends at the last '@': a password with an unescaped '/' (base64) still parses,
  // and never ends up in the host or the path (nor in an error message).
  std::string_view userinfo;
  bool has_userinfo = false;
  if (const auto at = text.rfind('@'); at != std::string_view::npos) {
    userinfo = text.substr(0, at);
    text.remove_prefix(at + 1);
    has_userinfo = true;
  }
  if (text.find_first_of("#? \t") != std::string_view::npos) {
    *why = "spaces, queries (?) and fragments (#) are not allowed after the host";
    return std::nullopt;
  }
  const auto slash = text.find('/');
  std::string_view authority = text.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : text.substr(slash + 1);
  if (has_userinfo) {
    const auto colon = userinfo.find(':');
    const auto user = percent_decoded(userinfo.substr(0, colon));
    const auto password = colon == std::string_view::npos
                              ? std::optional<std::string>("")
                              : percent_decoded(userinfo.substr(colon + 1));
    if (!user || !password) {
      *why = "bad percent-encoding in the user info";
      return std::nullopt;
    }
    // redis://PASSWORD@host is how some tools write a password alone.
    if (colon == std::string_view::npos) {
      url.password = *user;
    } else {
      url.user = *user;
      url.password = *password;
    }
  }
  auto hp = parse_authority(authority, kDefaultPort, why);
  if (!hp) return std::nullopt;
  url.endpoint = std::move(*hp);
  if (!path.empty()) {
    const auto [end, ec] = std::from_chars(path.data(), path.data() + path.size(), url.db);
    if (ec != std::errc{} || end != path.data() + path.size() || url.db > kMaxDb) {
      *why = "the path must be a database number 0.." + std::to_string(kMaxDb) + ", got \"" +
             std::string(path) + "\"";
      return std::nullopt;
    }
  }
  return url;
}

std::string redacted_redis_url(std::string_view text) {
  // Any scheme (a mistyped one is logged too): the user info is everything up to the last '@';
  // its password, or all of it when it has no user part, becomes "***".
  const auto sep = text.find("://");
  const std::size_t from = sep == std::string_view::npos ? 0 : sep + 3;
  const auto at = text.rfind('@');
  if (at == std::string_view::npos || at < from) return std::string(text);
  const auto userinfo = text.substr(from, at - from);
  const auto colon = userinfo.find(':');
  const std::string user(colon == std::string_view::npos ? "" : userinfo.substr(0, colon));
  return std::string(text.substr(0, from)) + user + ":***" + std::string(text.substr(at));
}

}  // namespace smart_router::config
