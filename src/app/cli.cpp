#include "smart_router/app/cli.hpp"

#include <optional>
#include <utility>

namespace smart_router::app {

namespace {

std::string default_config(const char* env_config) {
  return (env_config != nullptr && *env_config != '\0') ? env_config : "config/router.yaml";
}

bool is_flag(const std::string& arg, const char* flag) {
  const std::string f(flag);
  return arg == f || arg.rfind(f + "=", 0) == 0;
}

CliOptions usage_error(std::string why) {
  CliOptions opts;
  opts.command = Command::usage_error;
  opts.error = std::move(why);
  return opts;
}

// The arguments after `explain`.
CliOptions parse_explain(const std::vector<std::string>& args, const char* env_config) {
  CliOptions opts;
  opts.command = Command::explain;
  opts.config_path = default_config(env_config);
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    const auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= args.size()) return std::nullopt;
      return args[++i];
    };
    if (a == "--json") {
      opts.explain.json = true;
    } else if (a == "--config" || a == "-c" || a == "--peer" || a == "-H" || a == "--header") {
      const auto v = value();
      if (!v || v->empty()) return usage_error("explain: " + a + " needs a value");
      if (a == "--peer")
        opts.explain.peer = *v;
      else if (a == "-H" || a == "--header")
        opts.explain.headers.push_back(*v);
      else
        opts.config_path = *v;
    } else if (a.size() > 1 && a.front() == '-') {
      return usage_error("explain: unknown option " + a);
    } else if (opts.explain.request.empty()) {
      opts.explain.request = a;
    } else {
      return usage_error("explain: one request only ('METHOD PATH'), got another: " + a);
    }
  }
  if (opts.explain.request.empty())
    return usage_error("explain: no request given; e.g. explain --config PATH 'GET /api/x'");
  return opts;
}

}  // namespace

CliOptions parse_cli(const std::vector<std::string>& args, const char* env_config) {
  if (!args.empty() && args.front() == "explain") return parse_explain(args, env_config);
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
    std::string* path = nullptr;
    if (a == "-c" || is_flag(a, "--config")) {
      path = &opts.config_path;
      have_config = true;
    } else if (is_flag(a, "--check-config")) {
      path = &opts.config_path;
      opts.command = Command::check_config;
      have_config = true;
    } else if (is_flag(a, "--port-file")) {
      path = &opts.port_file;
    } else if (a == "--takeover") {
      opts.takeover = true;
      continue;
    } else {
      return usage_error("unknown argument: " + a);
    }
    *path = value();
    if (path->empty()) return usage_error(a.substr(0, a.find('=')) + " needs a PATH");
  }
  if (opts.command == Command::check_config && (!opts.port_file.empty() || opts.takeover))
    return usage_error("--port-file and --takeover apply to a run, not to --check-config");
  if (!have_config) opts.config_path = default_config(env_config);
  return opts;
}

std::string help_text() {
  return R"(smart-router: tier-aware HTTP reverse proxy

Usage:
  smart-router [--config PATH]       run (PATH defaults to $SMART_ROUTER_CONFIG,
                                     else config/router.yaml)
  smart-router [--config PATH] --port-file PORTFILE [--takeover]
                                     run; once listening, write the bound addresses to
                                     PORTFILE (replaced whole, never partial): a line
                                     "listen=HOST:PORT", and "admin=HOST:PORT" when
                                     admin.listen is set. Port 0 in server.listen or
                                     admin.listen binds a port the kernel picks.
                                     --takeover: listen on the address of a running
                                     smart-router (SO_REUSEPORT) instead of refusing it, so
                                     that the old one can drain (SIGTERM) while this one serves
  smart-router --check-config PATH   validate PATH: prints "config OK" or every error
                                     as PATH:LINE:COL: message (exit 1)
  smart-router explain [--config PATH] [--peer IP] [--json] 'METHOD PATH' [-H 'Name: value']...
                                     what the router would do with that request: trust
                                     verdict, class, each route tried and why, route, pool,
                                     limits, deadline (nothing is sent; exit 0, or 1 for a bad
                                     config, 2 for a malformed request description)
  smart-router --version             print the version
  smart-router --help                this text

Signals:
  SIGHUP            reload the config file (it is also reloaded when it changes on disk)
  SIGTERM, SIGINT   drain: /health answers 503, in-flight requests finish, then exit 0

Environment:
  SMART_ROUTER_CONFIG                   config path when --config is not given
  TIER_ROUTING_ENABLED=false            ignore the tier header: every request is the default tier
  SHARED_ENDPOINT, PREMIUM_ENDPOINT     host:port,... replacing pool shared / premium endpoints

Endpoints served by the router: GET /health, GET /ready, GET /metrics; on the admin listener
(admin.listen) only: GET /debug/config, GET /debug/routes
)";
}

std::string version_text() {
  return std::string("smart-router ") + SMART_ROUTER_VERSION + "\n";
}

}  // namespace smart_router::app
