#include "options.hpp"

#include <string_view>

#include "parse_number.hpp"

namespace mock_upstream {

namespace {

using tools::parse_number;

// HOST:PORT, with the host optionally in brackets ("[::1]:0").
bool parse_listen(std::string_view text, Options& out) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) return false;
  out.host = std::string(host);
  return parse_number(text.substr(colon + 1), out.port);
}

}  // namespace

ParseResult parse_options(int argc, const char* const* argv) {
  ParseResult result;
  Options opts;
  bool have_listen = false;
  bool have_service = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      result.help = true;
      return result;
    }
    std::string_view value;
    const auto eq = arg.find('=');
    if (arg.starts_with("--") && eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      result.error = "missing value for " + std::string(arg);
      return result;
    }

    if (arg == "--name") {
      opts.name = std::string(value);
    } else if (arg == "--listen") {
      if (!parse_listen(value, opts)) {
        result.error = "bad --listen (want HOST:PORT): " + std::string(value);
        return result;
      }
      have_listen = true;
    } else if (arg == "--threads") {
      if (!parse_number(value, opts.threads) || opts.threads == 0 || opts.threads > 1024) {
        result.error = "bad --threads (want 1..1024): " + std::string(value);
        return result;
      }
    } else if (arg == "--slots") {
      if (!parse_number(value, opts.slots) || opts.slots == 0 || opts.slots > kMaxSlots) {
        result.error = "bad --slots (want 1..100000): " + std::string(value);
        return result;
      }
    } else if (arg == "--service-ms") {
      if (!parse_number(value, opts.service_ms) || opts.service_ms > kMaxServiceMs) {
        result.error = "bad --service-ms (want 0..3600000): " + std::string(value);
        return result;
      }
      have_service = true;
    } else if (arg == "--port-file") {
      opts.port_file = std::string(value);
    } else {
      result.error = "unknown option " + std::string(arg);
      return result;
    }
  }
  if (opts.name.empty()) {
    result.error = "--name is required";
    return result;
  }
  if (!have_listen) {
    result.error = "--listen is required";
    return result;
  }
  if (have_service && opts.slots == 0) {
    result.error = "--service-ms needs --slots";
    return result;
  }
  result.options = std::move(opts);
  return result;
}

}  // namespace mock_upstream
