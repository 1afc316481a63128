#include "server.hpp"

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "session.hpp"
#include "state.hpp"

namespace mock_upstream {

namespace {

// A session's or the accept loop's exception ends only that coroutine.
struct IgnoreException {
  void operator()(const std::exception_ptr& /*unused*/) const noexcept {}
};

// One single-threaded io_context per worker. Destroyed front to back: context 0 holds the
// acceptor, whose pending accept owns a socket of another context, so it must go first.
class Workers {
 public:
  explicit Workers(unsigned count) {
    for (unsigned i = 0; i < count; ++i) {
      contexts_.push_back(std::make_unique<net::io_context>(1));
      guards_.push_back(net::make_work_guard(*contexts_.back()));
    }
  }
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;
  ~Workers() {
    guards_.clear();
    for (auto& context : contexts_) context.reset();
  }

  net::io_context& at(std::size_t i) { return *contexts_[i]; }
  std::size_t size() const { return contexts_.size(); }

  std::vector<net::any_io_executor> executors() const {
    std::vector<net::any_io_executor> out;
    for (const auto& context : contexts_) out.push_back(context->get_executor());
    return out;
  }

  void stop() {
    for (auto& context : contexts_) context->stop();
  }

 private:
  std::vector<std::unique_ptr<net::io_context>> contexts_;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards_;
};

struct StopWorkers {
  Workers* workers;
  void operator()(const beast::error_code& /*ec*/, int /*signal*/) const { workers->stop(); }
};

tcp::endpoint resolve(const Options& options, net::io_context& context) {
  beast::error_code ec;
  const auto address = net::ip::make_address(options.host, ec);
  if (!ec) return {address, options.port};
  tcp::resolver resolver{context};
  const auto results = resolver.resolve(options.host, std::to_string(options.port), ec);
  if (ec || results.empty()) {
    throw std::runtime_error("cannot resolve " + options.host + ": " + ec.message());
  }
  return results.begin()->endpoint();
}

void throw_if(const beast::error_code& ec, const char* what, const tcp::endpoint& endpoint) {
  if (!ec) return;
  std::ostringstream message;
  message << what << ' ' << endpoint << ": " << ec.message();
  throw std::runtime_error(message.str());
}

tcp::acceptor listen_on(const tcp::endpoint& endpoint, net::io_context& context) {
  tcp::acceptor acceptor{context};
  beast::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  throw_if(ec, "open", endpoint);
  acceptor.set_option(net::socket_base::reuse_address(true), ec);
  throw_if(ec, "setsockopt", endpoint);
  acceptor.bind(endpoint, ec);
  throw_if(ec, "bind", endpoint);
  acceptor.listen(net::socket_base::max_listen_connections, ec);
  throw_if(ec, "listen", endpoint);
  return acceptor;
}

// "<port>\n" into a temp file beside PATH, then rename, so a reader never sees half a file.
void write_port_file(const std::string& path, std::uint16_t port) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out{tmp, std::ios::trunc};
    out << port << '\n';
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path);
}

net::awaitable<void> accept_loop(tcp::acceptor acceptor, std::vector<net::any_io_executor> workers,
                                 std::shared_ptr<State> state) {
  std::size_t next = 0;
  for (;;) {
    const net::any_io_executor target = workers[next];
    next = (next + 1) % workers.size();
    auto [ec, socket] = co_await acceptor.async_accept(target, kTok);
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
      // EMFILE and friends: back off briefly instead of spinning.
      net::steady_timer pause{acceptor.get_executor(), std::chrono::milliseconds(10)};
      [[maybe_unused]] auto [wait_ec] = co_await pause.async_wait(kTok);
      continue;
    }
    const std::uint64_t id = state->connections_accepted.fetch_add(1) + 1;
    net::co_spawn(target, run_session(std::move(socket), state, id), IgnoreException{});
  }
}

}  // namespace

int run_server(const Options& options) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout pipe must not kill us
  auto state = std::make_shared<State>(options.name);
  if (options.slots > 0)
    state->capacity = std::make_unique<Capacity>(options.slots, options.service_ms);
  Workers workers{options.threads};

  tcp::acceptor acceptor = listen_on(resolve(options, workers.at(0)), workers.at(0));
  const std::uint16_t port = acceptor.local_endpoint().port();
  if (!options.port_file.empty()) write_port_file(options.port_file, port);
  std::printf("LISTENING %u\n", static_cast<unsigned>(port));
  std::fflush(stdout);

  net::co_spawn(workers.at(0), accept_loop(std::move(acceptor), workers.executors(), state),
                IgnoreException{});

  net::signal_set signals{workers.at(0), SIGINT, SIGTERM};
  signals.async_wait(StopWorkers{&workers});

  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < workers.size(); ++i) {
    threads.emplace_back(&net::io_context::run, &workers.at(i));
  }
  workers.at(0).run();
  workers.stop();
  for (auto& thread : threads) thread.join();
  return 0;
}

}  // namespace mock_upstream
