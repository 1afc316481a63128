#include "smart_router/app/app.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "smart_router/app/cpu_count.hpp"
#include "smart_router/app/logging.hpp"
#include "smart_router/app/port_file.hpp"

namespace smart_router::app {
namespace net = boost::asio;

namespace {

constexpr auto kToken = net::as_tuple(net::use_awaitable);

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::shared_ptr<upstream::UpstreamPool>> pools_of(const http::RouterSnapshot& s) {
  std::vector<std::shared_ptr<upstream::UpstreamPool>> out;
  for (const auto& p : s.pools) out.push_back(p.pool);
  return out;
}

void print_errors(const std::vector<config::ConfigError>& errors) {
  for (const auto& e : errors) std::cerr << e.to_string() << '\n';
}

}  // namespace

const char* process_env(const char* name) {
  return std::getenv(name);
}

std::unique_ptr<LoadedSnapshot> load_snapshot(const std::string& path) {
  auto result = config::load_config_file(path, process_env);
  if (!result.errors.empty()) {
    print_errors(result.errors);
    return nullptr;
  }
  auto loaded = std::make_unique<LoadedSnapshot>();
  try {
    if (result.config->server.tls) server::make_server_tls_context(*result.config->server.tls);
    JwksRefresher::plan(result.config->tiers);
    FleetQuotaSync::plan(result.config->rate_limits);
    loaded->snap = http::build_snapshot(std::move(*result.config), loaded->endpoints,
                                        loaded->metrics, process_env, 1);
  } catch (const std::exception& e) {
    std::cerr << path << ": " << e.what() << '\n';
    return nullptr;
  }
  return loaded;
}

int check_config(const std::string& path) {
  if (!load_snapshot(path)) return 1;
  std::cout << "config OK\n";
  return 0;
}

App::App(CliOptions opts)
    : config_path_(std::move(opts.config_path)),
      port_file_(std::move(opts.port_file)),
      takeover_(opts.takeover),
      checker_(control_, ctx_.metrics),
      dns_(control_),
      certs_(control_, ctx_.server_tls, ctx_.metrics),
      jwks_(control_, ctx_.jwks, ctx_.metrics),
      fleet_(control_, ctx_.rate_limits, ctx_.metrics) {
  ctx_.rate_limits.set_fleet_waker([this] { fleet_.wake(); });
}

App::~App() {
  for (auto& w : workers_) w->ioc().stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

bool App::apply(config::Config cfg, const std::string& why, bool is_reload) {
  std::shared_ptr<const http::RouterSnapshot> snap;
  server::CertificateWatcher::Loaded tls;
  std::optional<JwksRefresher::Plan> jwks;
  std::optional<FleetQuotaSync::Plan> fleet;
  try {
    tls = server::CertificateWatcher::load(cfg.server.tls);
    jwks = JwksRefresher::plan(cfg.tiers);
    fleet = FleetQuotaSync::plan(cfg.rate_limits);
    snap =
        http::build_snapshot(std::move(cfg), endpoints_, ctx_.metrics, process_env, generation_ + 1,
                             &ctx_.pool_admissions, &ctx_.rate_limits, &ctx_.jwks);
  } catch (const std::exception& e) {
    spdlog::error("config {} rejected ({}): {}", config_path_, why, e.what());
    return false;
  }
  const auto& c = *snap->config;
  if (access_log_target_ != c.logging.access_log || generation_ == 0) {
    try {
      ctx_.access_log.store(std::make_shared<observability::AccessLog>(
          c.logging.access_log, &ctx_.metrics.access_log_dropped_lines()));
      access_log_target_ = c.logging.access_log;
    } catch (const std::exception& e) {
      spdlog::error("cannot open access log {}: {}", c.logging.access_log, e.what());
      if (generation_ == 0) return false;
    }
  }
  set_log_level(c.logging.level);
  ++generation_;
  // Counted before publishing, so whoever sees the new behaviour also sees the count.
  if (is_reload) ctx_.metrics.config_reloads(true).Increment();
  certs_.install(std::move(tls));
  ctx_.snapshots.publish(snap);
  jwks_.install(std::move(jwks));
  fleet_.install(std::move(fleet));
  ctx_.metrics.config_generation().Set(static_cast<double>(generation_));
  checker_.watch(pools_of(*snap));
  dns_.watch(pools_of(*snap));
  return true;
}

void App::reload(const std::string& why) {
  const auto content = read_file(config_path_);
  auto result = config::load_config_file(config_path_, process_env);
  if (!result.errors.empty()) {
    for (const auto& e : result.errors)
      spdlog::error("config reload ({}) failed: {}", why, e.to_string());
    spdlog::error("config reload failed with {} error(s); still serving config #{}",
                  result.errors.size(), generation_);
    ctx_.metrics.config_reloads(false).Increment();
    loaded_content_ = content;  // don't retry the same broken content every second
    return;
  }
  const auto old = ctx_.snapshots.load();
  const auto& next = *result.config;
  if (next.server.listen != old->config->server.listen ||
      next.admin.listen != old->config->admin.listen ||
      next.server.workers != old->config->server.workers)
    spdlog::warn("server.listen, admin.listen and server.workers take effect at restart only");
  if (!apply(std::move(*result.config), why, true)) {
    ctx_.metrics.config_reloads(false).Increment();
    loaded_content_ = content;
    return;
  }
  loaded_content_ = content;
  spdlog::info("config reloaded ({}): now serving config #{}", why, generation_);
}

net::awaitable<void> App::watch_signals() {
  net::signal_set signals(control_, SIGHUP, SIGTERM, SIGINT);
  for (;;) {
    auto [ec, sig] = co_await signals.async_wait(kToken);
    if (ec) co_return;
    if (sig == SIGHUP) {
      reload("SIGHUP");
    } else {
      start_drain(sig);
    }
  }
}

// Polls the file's content: this catches in-place edits, renames and the Kubernetes ConfigMap
// way (a ..data symlink swapped to a new directory) alike, which inotify on one inode does not.
net::awaitable<void> App::watch_config_file() {
  net::steady_timer timer(control_);
  while (!draining_) {
    timer.expires_after(std::chrono::milliseconds(500));
    co_await timer.async_wait(kToken);
    if (draining_) break;
    std::ifstream probe(config_path_, std::ios::binary);
    if (!probe) continue;  // mid-swap or removed: keep serving, look again later
    const auto content = read_file(config_path_);
    if (!content.empty() && content != loaded_content_) reload("file changed");
  }
}

void App::start_drain(int signal) {
  if (draining_) return;
  draining_ = true;
  const auto timeout_ms = ctx_.snapshots.load()->config->server.drain_timeout_ms;
  // The flag first: the log line says /health answers 503, and an operator (or a test) acting
  // on the line must find it so.
  ctx_.draining.store(true);
  spdlog::info("signal {}: draining (up to {} ms); /health now answers 503", signal, timeout_ms);
  for (auto& w : workers_) net::post(w->ioc(), [worker = w.get()] { worker->begin_drain(); });
  net::co_spawn(control_, wait_for_drain(), net::detached);
}

std::size_t App::open_sessions() const {
  std::size_t open = 0;
  for (const auto& w : workers_) open += w->open_sessions();
  return open;
}

namespace {

// Waits (polling) until `done()` or the deadline; returns whether done() held.
template <typename Done>
net::awaitable<bool> poll_until(net::io_context& ioc,
                                std::chrono::steady_clock::time_point deadline, Done done) {
  net::steady_timer timer(ioc);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) co_return false;
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(kToken);
  }
  co_return true;
}

}  // namespace

net::awaitable<void> App::wait_for_drain() {
  const auto timeout =
      std::chrono::milliseconds(ctx_.snapshots.load()->config->server.drain_timeout_ms);
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + timeout;
  const auto drained = [this] { return open_sessions() == 0; };
  // The listeners stay open while connections are served, for at most half the drain time
  // (new connections may keep coming: with --takeover the kernel spreads them over both
  // routers), so the connections accepted last still have time to finish. They close while the
  // workers still run, after serving what the kernel queued: a listener left open until exit
  // resets every connection that reaches it meanwhile.
  const auto listen_until = start + timeout / 2;
  co_await poll_until(control_, listen_until, drained);
  for (auto& w : workers_) net::post(w->ioc(), [worker = w.get()] { worker->close_listeners(); });
  const auto closed = [this] {
    for (const auto& w : workers_)
      if (!w->listeners_closed()) return false;
    return true;
  };
  const auto close_deadline = deadline + std::chrono::seconds(1);
  co_await poll_until(control_, close_deadline, closed);
  if (co_await poll_until(control_, deadline, drained))
    spdlog::info("drained: every connection closed");
  else
    spdlog::warn("drain timeout: closing {} connection(s) still open", open_sessions());
  checker_.stop();
  dns_.stop();
  certs_.stop();
  jwks_.stop();
  fleet_.stop();
  for (auto& w : workers_) w->ioc().stop();
  control_.stop();
}

void App::open_listeners(const std::string& listen, const std::string& admin_listen,
                         std::uint32_t workers) {
  // Port 0: the first worker's bind picks the port, the others join it (SO_REUSEPORT).
  auto at = server::parse_listen_address(listen);
  if (!takeover_) server::ensure_address_free(at);
  for (std::uint32_t i = 0; i < workers; ++i) {
    workers_.push_back(std::make_unique<server::Worker>(ctx_, i));
    at = workers_.back()->listen(at, false);
  }
  std::optional<net::ip::tcp::endpoint> admin_at;
  if (!admin_listen.empty()) {
    admin_at = server::parse_listen_address(admin_listen);
    if (!takeover_) server::ensure_address_free(*admin_at);
    admin_at = workers_.front()->listen(*admin_at, true);
  }
  if (!port_file_.empty()) write_file_atomically(port_file_, port_file_text(at, admin_at));
  spdlog::info("smart-router {} listening on {} with {} worker(s){}{}", SMART_ROUTER_VERSION,
               host_port_text(at), workers,
               admin_at ? ", admin on " + host_port_text(*admin_at) : "",
               takeover_ ? " (taking over the port)" : "");
}

int App::run() {
  auto result = config::load_config_file(config_path_, process_env);
  if (!result.errors.empty()) {
    print_errors(result.errors);
    return 1;
  }
  loaded_content_ = read_file(config_path_);
  const auto listen = result.config->server.listen;
  const auto admin_listen = result.config->admin.listen;
  auto workers = result.config->server.workers;
  if (workers == 0) workers = usable_cpus();
  if (!apply(std::move(*result.config), "start", false)) return 1;

  try {
    open_listeners(listen, admin_listen, workers);
  } catch (const std::exception& e) {
    spdlog::error("cannot listen on {}: {}", listen, e.what());
    return 1;
  }

  net::co_spawn(control_, watch_signals(), net::detached);
  net::co_spawn(control_, watch_config_file(), net::detached);
  for (auto& w : workers_) {
    threads_.emplace_back([worker = w.get()] {
      auto guard = net::make_work_guard(worker->ioc());
      worker->ioc().run();
    });
  }
  control_.run();
  for (auto& t : threads_) t.join();
  threads_.clear();
  spdlog::info("drained, exiting");
  // The access log's async logger must flush while spdlog's thread pool still exists.
  ctx_.access_log.store(nullptr);
  spdlog::shutdown();
  return 0;
}

}  // namespace smart_router::app
