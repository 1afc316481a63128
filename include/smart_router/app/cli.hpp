// Command line: --config / --check-config / --version / --help, with the SMART_ROUTER_CONFIG
// fallback.
#pragma once

#include <string>
#include <vector>

namespace smart_router::app {

enum class Command { run, check_config, version, help, usage_error };

struct CliOptions {
  Command command = Command::run;
  std::string config_path;
  std::string error;  // for usage_error
};

// `env_config` is $SMART_ROUTER_CONFIG or nullptr.
CliOptions parse_cli(const std::vector<std::string>& args, const char* env_config);

std::string help_text();
std::string version_text();

}  // namespace smart_router::app
