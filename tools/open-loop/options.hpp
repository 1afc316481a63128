// Command line of open-loop (see README.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "schedule.hpp"

namespace open_loop {

struct Options {
  std::string host;  // from --url http://HOST:PORT/PATH
  std::uint16_t port = 80;
  std::string target = "/";          // path and query
  std::vector<std::string> headers;  // "Name: value", from -H
  std::vector<Phase> phases;         // --rate/--duration or --schedule
  std::uint64_t timeout_ms = 2000;   // per request, from its scheduled send time
  std::size_t max_conns = 4096;      // connections the pool may open
  std::vector<std::uint64_t> within_ms{50, 500};
  std::uint64_t bucket_ms = 50;  // time series resolution
  std::string records;           // CSV of every request, if set
};

inline constexpr const char* kUsage =
    "usage: open-loop --url http://HOST:PORT/PATH [-H 'Name: value']...\n"
    "                 (--rate R --duration S | --schedule R:S[,R:S...])\n"
    "                 [--timeout-ms 2000] [--max-conns 4096] [--within 50,500]\n"
    "                 [--bucket-ms 50] [--records PATH]\n";

struct ParseResult {
  std::optional<Options> options;
  bool help = false;
  std::string error;
};

ParseResult parse_options(int argc, const char* const* argv);

}  // namespace open_loop
