// Command line: mock-upstream --name NAME --listen HOST:PORT [--threads N] [--port-file PATH]
//               [--slots N --service-ms T]
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
  unsigned slots = 0;      // capacity mode when > 0: at most this many requests in service
  std::uint64_t service_ms = 0;  // capacity mode: how long each request holds its slot
};

inline constexpr unsigned kMaxSlots = 100000;
inline constexpr std::uint64_t kMaxServiceMs = 3'600'000;  // 1 hour

inline constexpr const char* kUsage =
    "usage: mock-upstream --name NAME --listen HOST:PORT [--threads N] [--port-file PATH]\n"
    "                     [--slots N --service-ms T]\n";

struct ParseResult {
  std::optional<Options> options;  // set on success
  bool help = false;               // --help asked
  std::string error;               // set on failure
};

ParseResult parse_options(int argc, const char* const* argv);

}  // namespace mock_upstream
