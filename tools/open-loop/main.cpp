// open-loop: sends HTTP/1.1 requests at a fixed schedule, whatever the answers' latency, and
// reports latency from each request's scheduled send time. See README.md.
#include <sys/resource.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "client.hpp"
#include "options.hpp"
#include "report.hpp"
#include "schedule.hpp"

namespace {

// Every connection is a file descriptor: take what the hard limit allows.
void raise_fd_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

std::string render_request(const open_loop::Options& options) {
  std::string request = "GET " + options.target + " HTTP/1.1\r\nHost: " + options.host + ":" +
                        std::to_string(options.port) + "\r\n";
  for (const std::string& header : options.headers) request += header + "\r\n";
  return request + "\r\n";
}

struct Rethrow {
  void operator()(const std::exception_ptr& e) const {
    if (e) std::rethrow_exception(e);
  }
};

}  // namespace

int main(int argc, char** argv) {
  const auto parsed = open_loop::parse_options(argc, argv);
  if (parsed.help) {
    std::fputs(open_loop::kUsage, stdout);
    return 0;
  }
  if (!parsed.options) {
    std::fprintf(stderr, "open-loop: %s\n%s", parsed.error.c_str(), open_loop::kUsage);
    return 2;
  }
  const open_loop::Options& options = *parsed.options;
  try {
    raise_fd_limit();
    boost::asio::io_context context{1};
    boost::asio::ip::tcp::resolver resolver{context};
    const auto results = resolver.resolve(options.host, std::to_string(options.port));
    const auto endpoint = results.begin()->endpoint();
    open_loop::Client client{context, endpoint, render_request(options), options.max_conns,
                             std::chrono::milliseconds(options.timeout_ms)};
    boost::asio::co_spawn(context, client.run(open_loop::send_offsets_us(options.phases)),
                          Rethrow{});
    context.run();
    if (!options.records.empty() && !open_loop::write_records(options.records, client.outcomes())) {
      std::fprintf(stderr, "open-loop: cannot write %s\n", options.records.c_str());
      return 1;
    }
    std::puts(open_loop::summary_json(client.outcomes(), client.pool_stats(), options).c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "open-loop: %s\n", e.what());
    return 1;
  }
}
