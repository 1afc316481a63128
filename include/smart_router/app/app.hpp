// Wires the modules and owns the process lifecycle: start order (config -> snapshot -> workers
// and listeners -> health checks), reload (SIGHUP or file change) and drain (SIGTERM/SIGINT).
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "smart_router/app/cli.hpp"
#include "smart_router/app/fleet_quota_sync.hpp"
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
  // Uses opts.config_path, opts.port_file and opts.takeover.
  explicit App(CliOptions opts);
  ~App();

  // Runs until drained; returns the process exit code.
  int run();

 private:
  bool apply(config::Config cfg, const std::string& why, bool is_reload);
  void reload(const std::string& why);
  void start_drain(int signal);
  // Binds every worker's listener (and the admin listener); writes --port-file. Throws.
  void open_listeners(const std::string& listen, const std::string& admin_listen,
                      std::uint32_t workers);
  boost::asio::awaitable<void> watch_signals();
  boost::asio::awaitable<void> watch_config_file();
  boost::asio::awaitable<void> wait_for_drain();
  std::size_t open_sessions() const;

  std::string config_path_;
  std::string port_file_;
  bool takeover_ = false;
  std::string loaded_content_;
  boost::asio::io_context control_{1};
  http::RouterContext ctx_;
  upstream::EndpointRegistry endpoints_;
  health::ActiveChecker checker_;
  upstream::DnsRefresher dns_;
  server::CertificateWatcher certs_;
  JwksRefresher jwks_;
  FleetQuotaSync fleet_;
  std::vector<std::unique_ptr<server::Worker>> workers_;
  std::vector<std::thread> threads_;
  std::uint64_t generation_ = 0;
  std::string access_log_target_;
  bool draining_ = false;
};

// Environment lookup backed by ::getenv.
const char* process_env(const char* name);

// A config loaded, validated and compiled as the server does it, with what its snapshot points
// into (declared first, so destroyed last).
struct LoadedSnapshot {
  upstream::EndpointRegistry endpoints;
  observability::Metrics metrics;
  std::shared_ptr<const http::RouterSnapshot> snap;
};
// Null, with every error printed to stderr (PATH:LINE:COL: message), when PATH does not load.
std::unique_ptr<LoadedSnapshot> load_snapshot(const std::string& path);

// --check-config: loads, validates and compiles PATH; prints errors (or "config OK").
int check_config(const std::string& path);

}  // namespace smart_router::app
