#include "smart_router/server/certificate_watcher.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace smart_router::server {
namespace net = boost::asio;

namespace {
constexpr auto kPollEvery = std::chrono::seconds(1);
}

FileStamp stamp_of(const std::string& path) {
  struct stat st {};
  FileStamp s;
  if (::stat(path.c_str(), &st) != 0) return s;
  s.dev = st.st_dev;
  s.ino = st.st_ino;
  s.size = st.st_size;
  s.mtime = st.st_mtim;
  return s;
}

CertificateWatcher::CertificateWatcher(net::io_context& control,
                                       Published<net::ssl::context>& target,
                                       observability::Metrics& metrics)
    : control_(control), target_(target), metrics_(metrics) {}

CertificateWatcher::~CertificateWatcher() {
  stop();
}

CertificateWatcher::Loaded CertificateWatcher::load(const std::optional<config::ServerTls>& tls) {
  Loaded l;
  l.files = tls;
  if (!tls) return l;
  // Stamps first: a change while loading is then seen by the next poll.
  l.cert = stamp_of(tls->cert_file);
  l.key = stamp_of(tls->key_file);
  l.context = make_server_tls_context(*tls);
  return l;
}

void CertificateWatcher::install(Loaded loaded) {
  stop();
  current_ = std::move(loaded);
  refused_.reset();
  if (!current_.context) {
    target_.publish(nullptr);
    return;
  }
  use(*current_.context);
  running_ = std::make_shared<bool>(true);
  net::co_spawn(control_, poll(running_), net::detached);
}

void CertificateWatcher::stop() {
  if (running_) *running_ = false;
  running_.reset();
}

void CertificateWatcher::use(const ServerTlsContext& ctx) {
  target_.publish(ctx.context);
  metrics_.tls_certificate_expiry().Set(ctx.not_after);
}

net::awaitable<void> CertificateWatcher::poll(std::shared_ptr<bool> running) {
  net::steady_timer timer(control_);
  while (*running) {
    timer.expires_after(kPollEvery);
    co_await timer.async_wait(net::as_tuple(net::use_awaitable));
    if (!*running) break;
    check_files();
  }
}

void CertificateWatcher::check_files() {
  const auto& files = *current_.files;
  const auto cert = stamp_of(files.cert_file);
  const auto key = stamp_of(files.key_file);
  if (cert == current_.cert && key == current_.key) return;
  if (refused_ && refused_->first == cert && refused_->second == key) return;
  try {
    Loaded next;
    next.files = files;
    next.cert = cert;
    next.key = key;
    next.context = make_server_tls_context(files);
    use(*next.context);
    spdlog::info("server.tls: certificate {} reloaded ({}); new handshakes use it", files.cert_file,
                 next.context->subject);
    metrics_.tls_certificate_reloads(true).Increment();
    current_ = std::move(next);
    refused_.reset();
  } catch (const std::exception& e) {
    spdlog::error(
        "server.tls: the changed certificate/key cannot be used, keeping the previous "
        "one: {}",
        e.what());
    metrics_.tls_certificate_reloads(false).Increment();
    refused_ = std::pair{cert, key};
  }
}

}  // namespace smart_router::server
