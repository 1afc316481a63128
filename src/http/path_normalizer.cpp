#include "smart_router/http/path_normalizer.hpp"

#include <algorithm>
#include <cctype>

#include "smart_router/http/header_rules.hpp"

namespace smart_router::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// Nothing to do for the overwhelmingly common path: no escapes, no "//", no dot segments.
bool already_normal(std::string_view path) {
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '%' || c == '\\') return false;
    if (c == '/' && i + 1 < path.size()) {
      const char n = path[i + 1];
      if (n == '/') return false;
      if (n == '.') {
        const auto rest = path.substr(i + 1);
        if (rest == "." || rest == ".." || rest.starts_with("./") || rest.starts_with("../"))
          return false;
      }
    }
  }
  return true;
}

// Drops the last segment of `out` (for ".."), never above the root.
void pop_segment(std::string& out) {
  if (out.size() <= 1) return;
  const auto slash = out.rfind('/', out.size() - 2);
  out.resize(slash == std::string::npos ? 1 : slash + 1);
}

// RFC 3986 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
bool is_scheme(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s.front()))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
  });
}

// Step 1: decodes escapes of unreserved characters (RFC 3986 6.2.2.2) and writes the others in
// upper case (6.2.2.1); refuses encoded separators and NUL, and backslashes. Returns why the
// path is refused, or empty.
std::string decode_path(std::string_view path, std::string& decoded) {
  decoded.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '\\') return "backslash in request path";
    if (c != '%') {
      decoded += c;
      continue;
    }
    if (i + 2 >= path.size()) return "bad percent-encoding in path";
    const int hi = hex_value(path[i + 1]);
    const int lo = hex_value(path[i + 2]);
    if (hi < 0 || lo < 0) return "bad percent-encoding in path";
    const auto byte = static_cast<unsigned char>(hi * 16 + lo);
    if (byte == '/' || byte == '\\') return "encoded slash in request path";
    if (byte == 0) return "encoded NUL in request path";
    if (is_unreserved(byte)) {
      decoded += static_cast<char>(byte);
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      decoded += '%';
      decoded += kHex[byte >> 4];
      decoded += kHex[byte & 0xF];
    }
    i += 2;
  }
  return {};
}

// Step 2: merges slashes (as nginx's merge_slashes) and removes dot segments (RFC 3986 5.2.4)
// from a decoded path, appending the result to `out` (empty).
void remove_dot_segments(std::string_view decoded, std::string& out) {
  out += '/';
  std::size_t i = 0;
  while (i < decoded.size()) {
    while (i < decoded.size() && decoded[i] == '/') ++i;
    const auto end = decoded.find('/', i);
    const bool last = end == std::string_view::npos;
    const std::string_view segment = decoded.substr(i, last ? std::string_view::npos : end - i);
    i = last ? decoded.size() : end;
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      pop_segment(out);
    } else {
      out += segment;
      if (!last) out += '/';
    }
  }
  // Keep a trailing slash the client sent ("/a/b/" stays a directory).
  if (!decoded.empty() && decoded.back() == '/' && out.back() != '/') out += '/';
}

}  // namespace

std::string normalize_target(std::string_view target, std::string& storage, TargetView& out) {
  if (target.empty()) return "empty request target";
  if (target.find('#') != std::string_view::npos) return "request target has a fragment";
  // absolute-form (RFC 9112 3.2.2): keep only the path and query.
  if (target.front() != '/') {
    const auto scheme_end = target.find("://");
    if (scheme_end == std::string_view::npos || !is_scheme(target.substr(0, scheme_end)))
      return "request target must start with /";
    // An HTTP server's resources are http(s) URIs (RFC 9110 4.2); ftp:// is no request for us.
    const auto scheme = target.substr(0, scheme_end);
    if (!iequals(scheme, "http") && !iequals(scheme, "https"))
      return "request target's scheme must be http or https";
    const auto path_start = target.find_first_of("/?", scheme_end + 3);
    // RFC 9110 4.2.4: userinfo in an http(s) URI is to be treated as an error (it is refused in
    // Host too); it has no place in a request and hides the real host from a reader.
    const auto authority = target.substr(scheme_end + 3, path_start == std::string_view::npos
                                                             ? std::string_view::npos
                                                             : path_start - scheme_end - 3);
    if (authority.find('@') != std::string_view::npos)
      return "request target has userinfo (user@host)";
    if (path_start == std::string_view::npos || target[path_start] == '?') {
      // An empty path is "/" (RFC 9110 4.2.3): "http://host?q" asks for "/?q".
      storage.clear();  // (not assign("/"): g++ 12 -Wrestrict false positive)
      storage += '/';
      if (path_start != std::string_view::npos) storage += target.substr(path_start);
      out = {std::string_view(storage).substr(0, 1), storage};
      return {};
    }
    target = target.substr(path_start);
  }
  const auto qpos = target.find('?');
  const std::string_view path = target.substr(0, qpos);
  const std::string_view query = qpos == std::string_view::npos ? "" : target.substr(qpos);

  if (already_normal(path)) {
    out = {path, target};
    return {};
  }
  std::string decoded;
  if (auto refused = decode_path(path, decoded); !refused.empty()) return refused;
  storage.clear();
  storage.reserve(decoded.size() + query.size());
  remove_dot_segments(decoded, storage);
  const auto path_len = storage.size();
  storage += query;
  out = {std::string_view(storage).substr(0, path_len), storage};
  return {};
}

}  // namespace smart_router::http
