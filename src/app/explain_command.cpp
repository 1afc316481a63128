#include "smart_router/app/explain_command.hpp"

#include <algorithm>
#include <iostream>

#include "smart_router/app/app.hpp"

namespace smart_router::app {
namespace {

// RFC 9110 token characters (methods and field names).
bool is_token(std::string_view s) {
  static constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           kExtra.find(c) != std::string_view::npos;
  });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
  });
}

}  // namespace

std::optional<http::ExplainInput> parse_request_description(const ExplainArgs& args,
                                                            std::string& error) {
  http::ExplainInput in;
  const std::string_view request = trim(args.request);
  const auto space = request.find_first_of(" \t");
  const std::string_view method = request.substr(0, space);
  const std::string_view target =
      space == std::string_view::npos ? std::string_view{} : trim(request.substr(space));
  if (!is_token(method) || target.empty() ||
      target.find_first_of(" \t") != std::string_view::npos) {
    error = "the request must be 'METHOD PATH', e.g. 'GET /api/v1/x', got '" + args.request + "'";
    return std::nullopt;
  }
  if (target.front() != '/' || has_control(target)) {
    error =
        "the PATH of '" + args.request + "' must start with '/' (origin-form), without controls";
    return std::nullopt;
  }
  in.method = method;
  in.target = target;
  for (const auto& h : args.headers) {
    const auto colon = h.find(':');
    const std::string_view name =
        colon == std::string::npos ? std::string_view{} : std::string_view(h).substr(0, colon);
    if (!is_token(name) || has_control(h)) {
      error = "a header must be 'Name: value' with a token name, got '" + h + "'";
      return std::nullopt;
    }
    in.headers.emplace_back(name, trim(std::string_view(h).substr(colon + 1)));
  }
  boost::system::error_code ec;
  in.peer = boost::asio::ip::make_address(args.peer.empty() ? "0.0.0.0" : args.peer, ec);
  if (ec) {
    error = "--peer " + args.peer + " is not an IP address";
    return std::nullopt;
  }
  return in;
}

int explain_command(const std::string& config_path, const ExplainArgs& args) {
  std::string error;
  const auto in = parse_request_description(args, error);
  if (!in) {
    std::cerr << "smart-router explain: " << error << '\n';
    return 2;
  }
  const auto loaded = load_snapshot(config_path);
  if (!loaded) return 1;
  const auto explanation = http::explain_request(*loaded->snap, *in);
  if (args.json)
    std::cout << explanation.dump(2) << '\n';
  else
    std::cout << render_explanation(explanation);
  return 0;
}

}  // namespace smart_router::app
