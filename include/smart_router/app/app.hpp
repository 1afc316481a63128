// Wires the modules and owns the process lifecycle: start order (config -> snapshot -> workers
// and listeners -> health checks), reload (SIGHUP or file change) and drain (SIGTERM/SIGINT).
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "smart_router/app/jwks_refresher.hpp"
#include "smart_router/config/loader.hpp"
#include "smart_router/health/active_checker.hpp"
#include "smart_router/http/router_context.hpp"
#include "smart_router/server/certificate_watcher.hpp"
#include "smart_router/server/worker.hpp"
#include "smart_router/upstream/dns_refresher.hpp"

namespace smart_router::app {

class App {
 public:
  explicit App(std::string config_path);
  ~App();

  // Runs until drained; returns the process exit code.
  int run();

 private:
  bool apply(config::Config cfg, const std::string& why, bool is_reload);
  void reload(const std::string& why);
  void start_drain(int signal);
  boost::asio::awaitable<void> watch_signals();
  boost::asio::awaitable<void> watch_config_file();
  boost::asio::awaitable<void> wait_for_drain();

  std::string config_path_;
  std::string loaded_content_;
  boost::asio::io_context control_{1};
  http::RouterContext ctx_;
  upstream::EndpointRegistry endpoints_;
  health::ActiveChecker checker_;
  upstream::DnsRefresher dns_;
  server::CertificateWatcher certs_;
  JwksRefresher jwks_;
  std::vector<std::unique_ptr<server::Worker>> workers_;
  std::vector<std::thread> threads_;
  std::uint64_t generation_ = 0;
  std::string access_log_target_;
  bool draining_ = false;
};

// Environment lookup backed by ::getenv.
const char* process_env(const char* name);

// --check-config: loads, validates and compiles PATH; prints errors (or "config OK").
int check_config(const std::string& path);

}  // namespace smart_router::app
