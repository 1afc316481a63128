// mock-upstream: the fake upstream behind the demo, the integration tests and the benchmarks.
// See README.md in this folder for the CLI, the JSON echo and the knobs.
#include <cstdio>
#include <exception>

#include "options.hpp"
#include "server.hpp"

int main(int argc, char** argv) {
  const auto parsed = mock_upstream::parse_options(argc, argv);
  if (parsed.help) {
    std::fputs(mock_upstream::kUsage, stdout);
    return 0;
  }
  if (!parsed.options) {
    std::fprintf(stderr, "mock-upstream: %s\n%s", parsed.error.c_str(), mock_upstream::kUsage);
    return 2;
  }
  try {
    return mock_upstream::run_server(*parsed.options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mock-upstream: %s\n", e.what());
    return 1;
  }
}
