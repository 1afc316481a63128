// Command line: --config / --check-config / --port-file / --takeover / --version / --help, with
// the SMART_ROUTER_CONFIG fallback, and `explain`.
#pragma once

#include <string>
#include <vector>

namespace smart_router::app {

enum class Command { run, check_config, version, help, usage_error, explain };

// smart-router explain [--config PATH] [--peer IP] [--json] 'METHOD PATH' [-H 'Name: value']...
struct ExplainArgs {
  std::string request;               // 'METHOD PATH', checked by the explain command
  std::vector<std::string> headers;  // each 'Name: value', as given
  std::string peer;                  // "" = not given
  bool json = false;
};

struct CliOptions {
  Command command = Command::run;
  std::string config_path;
  // run only: where to write the bound addresses once listening ("" = nowhere).
  std::string port_file;
  // run only: join a running smart-router's SO_REUSEPORT group on server.listen (and
  // admin.listen) instead of refusing a port already in use, so that one can drain.
  bool takeover = false;
  std::string error;  // for usage_error
  ExplainArgs explain;
};

// `env_config` is $SMART_ROUTER_CONFIG or nullptr.
CliOptions parse_cli(const std::vector<std::string>& args, const char* env_config);

std::string help_text();
std::string version_text();

}  // namespace smart_router::app
