// Command line: mock-upstream --name NAME --listen HOST:PORT [--threads N] [--port-file PATH]
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mock_upstream {

struct Options {
  std::string name;        // reported as "upstream" and in X-Upstream
  std::string host;        // IPv4/IPv6 literal ("[::1]" accepted) or a resolvable name
  std::uint16_t port = 0;  // 0: ephemeral, reported as "LISTENING <port>"
  unsigned threads = 1;    // one io_context per thread
  std::string port_file;   // if set, receives "<port>\n" (written to a temp file, then renamed)
};

inline constexpr const char* kUsage =
    "usage: mock-upstream --name NAME --listen HOST:PORT [--threads N] [--port-file PATH]\n";

struct ParseResult {
  std::optional<Options> options;  // set on success
  bool help = false;               // --help asked
  std::string error;               // set on failure
};

ParseResult parse_options(int argc, const char* const* argv);

}  // namespace mock_upstream
