#include "options.hpp"

#include <string_view>

#include "parse_number.hpp"

namespace open_loop {

namespace {

using tools::parse_number;

// http://HOST:PORT/PATH (no TLS, no user info).
bool parse_url(std::string_view url, Options& out) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return false;
  url.remove_prefix(kScheme.size());
  const auto slash = url.find('/');
  const std::string_view authority = url.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  const auto colon = authority.rfind(':');
  if (colon == std::string_view::npos) {
    out.host = std::string(authority);
  } else {
    out.host = std::string(authority.substr(0, colon));
    if (!parse_number(authority.substr(colon + 1), out.port)) return false;
  }
  return !out.host.empty();
}

// R:S[,R:S...]
bool parse_schedule(std::string_view text, std::vector<Phase>& out) {
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto colon = item.find(':');
    if (colon == std::string_view::npos) return false;
    Phase phase;
    if (!parse_number(item.substr(0, colon), phase.rate) ||
        !parse_number(item.substr(colon + 1), phase.seconds) || phase.rate < 0 ||
        phase.seconds <= 0) {
      return false;
    }
    out.push_back(phase);
  }
  return !out.empty();
}

bool parse_list(std::string_view text, std::vector<std::uint64_t>& out) {
  out.clear();
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::uint64_t value = 0;
    if (!parse_number(text.substr(0, comma), value)) return false;
    out.push_back(value);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return !out.empty();
}

// Applies one option with its value; returns an error text, empty on success.
std::string apply(Options& opts, std::string_view arg, std::string_view value, double& rate,
                  double& duration) {
  const std::string bad = "bad " + std::string(arg) + ": " + std::string(value);
  if (arg == "--url") return parse_url(value, opts) ? "" : bad + " (want http://HOST:PORT/PATH)";
  if (arg == "-H" || arg == "--header") {
    if (value.find(':') == std::string_view::npos) return bad + " (want 'Name: value')";
    opts.headers.emplace_back(value);
    return "";
  }
  if (arg == "--rate") return parse_number(value, rate) && rate > 0 ? "" : bad;
  if (arg == "--duration") return parse_number(value, duration) && duration > 0 ? "" : bad;
  if (arg == "--schedule") {
    return parse_schedule(value, opts.phases) ? "" : bad + " (want RATE:SECONDS[,...])";
  }
  if (arg == "--timeout-ms") {
    return parse_number(value, opts.timeout_ms) && opts.timeout_ms > 0 ? "" : bad;
  }
  if (arg == "--max-conns") {
    return parse_number(value, opts.max_conns) && opts.max_conns > 0 ? "" : bad;
  }
  if (arg == "--within") return parse_list(value, opts.within_ms) ? "" : bad;
  if (arg == "--bucket-ms") {
    return parse_number(value, opts.bucket_ms) && opts.bucket_ms > 0 ? "" : bad;
  }
  if (arg == "--records") {
    opts.records = std::string(value);
    return "";
  }
  return "unknown option " + std::string(arg);
}

}  // namespace

ParseResult parse_options(int argc, const char* const* argv) {
  ParseResult result;
  Options opts;
  double rate = 0;
  double duration = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      result.help = true;
      return result;
    }
    if (i + 1 >= argc) {
      result.error = "missing value for " + std::string(arg);
      return result;
    }
    result.error = apply(opts, arg, argv[++i], rate, duration);
    if (!result.error.empty()) return result;
  }
  if (opts.host.empty()) result.error = "--url is required";
  if ((rate > 0) != (duration > 0)) result.error = "--rate and --duration go together";
  if (rate > 0 && !opts.phases.empty()) result.error = "--rate/--duration or --schedule, not both";
  if (rate > 0) opts.phases.push_back(Phase{rate, duration});
  if (result.error.empty() && opts.phases.empty()) {
    result.error = "give --rate R --duration S or --schedule";
  }
  if (result.error.empty()) result.options = std::move(opts);
  return result;
}

}  // namespace open_loop
