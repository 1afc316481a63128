// smart-router: parse the command line, then run the App. Nothing else lives here.
#include <cstdlib>
#include <iostream>

#include "smart_router/app/app.hpp"
#include "smart_router/app/cli.hpp"
#include "smart_router/app/explain_command.hpp"
#include "smart_router/app/logging.hpp"

int main(int argc, char** argv) {
  using namespace smart_router::app;
  const auto opts = parse_cli(std::vector<std::string>(argv + 1, argv + argc),
                              std::getenv("SMART_ROUTER_CONFIG"));
  switch (opts.command) {
    case Command::help:
      std::cout << help_text();
      return 0;
    case Command::version:
      std::cout << version_text();
      return 0;
    case Command::usage_error:
      std::cerr << "smart-router: " << opts.error << "\n\n" << help_text();
      return 2;
    case Command::check_config:
      return check_config(opts.config_path);
    case Command::explain:
      return explain_command(opts.config_path, opts.explain);
    case Command::run:
      break;
  }
  setup_logging();
  App app(opts);
  return app.run();
}
