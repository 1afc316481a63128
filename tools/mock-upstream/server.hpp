// Listener and workers: bind, report the port, accept on one acceptor and hand connections
// round-robin to N single-threaded io_contexts; SIGTERM/SIGINT stop everything.
#pragma once

#include "options.hpp"

namespace mock_upstream {

// Runs until SIGTERM or SIGINT, then returns 0. Throws on setup failure (bad address, bind).
int run_server(const Options& options);

}  // namespace mock_upstream
