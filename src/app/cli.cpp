#include "smart_router/app/cli.hpp"

namespace smart_router::app {

CliOptions parse_cli(const std::vector<std::string>& args, const char* env_config) {
  CliOptions opts;
  bool have_config = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    // The flag's PATH (from "--flag=PATH" or the next argument); empty when missing.
    auto value = [&]() -> std::string {
      const auto eq = a.find('=');
      if (eq != std::string::npos) return a.substr(eq + 1);
      if (i + 1 >= args.size()) return {};
      return args[++i];
    };
    if (a == "--help" || a == "-h") {
      opts.command = Command::help;
      return opts;
    }
    if (a == "--version" || a == "-V") {
      opts.command = Command::version;
      return opts;
    }
    if (a == "--config" || a == "-c" || a.rfind("--config=", 0) == 0) {
      opts.config_path = value();
      have_config = true;
    } else if (a == "--check-config" || a.rfind("--check-config=", 0) == 0) {
      opts.config_path = value();
      opts.command = Command::check_config;
      have_config = true;
    } else {
      opts.command = Command::usage_error;
      opts.error = "unknown argument: " + a;
      return opts;
    }
    if (opts.config_path.empty()) {
      opts.command = Command::usage_error;
      opts.error = a.substr(0, a.find('=')) + " needs a PATH";
      return opts;
    }
  }
  if (!have_config) {
    opts.config_path =
        (env_config != nullptr && *env_config != '\0') ? env_config : "config/router.yaml";
  }
  return opts;
}

std::string help_text() {
  return R"(smart-router: tier-aware HTTP reverse proxy

Usage:
  smart-router [--config PATH]       run (PATH defaults to $SMART_ROUTER_CONFIG,
                                     else config/router.yaml)
  smart-router --check-config PATH   validate PATH: prints "config OK" or every error
                                     as PATH:LINE:COL: message (exit 1)
  smart-router --version             print the version
  smart-router --help                this text

Signals:
  SIGHUP            reload the config file (it is also reloaded when it changes on disk)
  SIGTERM, SIGINT   drain: /health answers 503, in-flight requests finish, then exit 0

Environment:
  SMART_ROUTER_CONFIG                   config path when --config is not given
  TIER_ROUTING_ENABLED=false            ignore the tier header: every request is the default tier
  SHARED_ENDPOINT, PREMIUM_ENDPOINT     host:port,... replacing pool shared / premium endpoints

Endpoints served by the router: GET /health, GET /ready, GET /metrics
)";
}

std::string version_text() {
  return std::string("smart-router ") + SMART_ROUTER_VERSION + "\n";
}

}  // namespace smart_router::app
