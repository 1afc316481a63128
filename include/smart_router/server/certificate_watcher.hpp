// Keeps the TLS listener's certificate current without a config reload: every second, on the
// control thread, the certificate and key files are stat()ed (through symlinks, so the
// Kubernetes Secret way, a ..data symlink swapped to a new directory, shows as a new inode) and,
// when either changed, the pair is loaded again. New handshakes get the new certificate;
// connections already open keep the context they started with. A pair that does not load
// (half-written, mismatched key) is logged and counted, and the previous one stays in use.
#pragma once

#include <sys/types.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <ctime>
#include <memory>
#include <optional>

#include "smart_router/common/published.hpp"
#include "smart_router/config/config.hpp"
#include "smart_router/observability/metrics.hpp"
#include "smart_router/server/tls_context.hpp"

namespace smart_router::server {

// What identifies one version of a file: a rewrite in place changes mtime or size, a rename
// or a symlink swap changes the inode.
struct FileStamp {
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = -1;
  timespec mtime{};
  bool operator==(const FileStamp& o) const {
    return dev == o.dev && ino == o.ino && size == o.size && mtime.tv_sec == o.mtime.tv_sec &&
           mtime.tv_nsec == o.mtime.tv_nsec;
  }
};
FileStamp stamp_of(const std::string& path);  // size -1 when it cannot be stat()ed

class CertificateWatcher {
 public:
  CertificateWatcher(boost::asio::io_context& control, Published<boost::asio::ssl::context>& target,
                     observability::Metrics& metrics);
  ~CertificateWatcher();

  // A pair loaded for `tls` (null when TLS is off), not yet in use. Throws std::invalid_argument
  // when it cannot be loaded.
  struct Loaded {
    std::optional<config::ServerTls> files;
    std::optional<ServerTlsContext> context;
    FileStamp cert, key;
  };
  static Loaded load(const std::optional<config::ServerTls>& tls);

  // Puts `loaded` in use and watches its files from now on.
  void install(Loaded loaded);
  void stop();

 private:
  boost::asio::awaitable<void> poll(std::shared_ptr<bool> running);
  void check_files();
  void use(const ServerTlsContext& ctx);

  boost::asio::io_context& control_;
  Published<boost::asio::ssl::context>& target_;
  observability::Metrics& metrics_;
  Loaded current_;
  std::optional<std::pair<FileStamp, FileStamp>> refused_;  // a broken pair: not retried
  std::shared_ptr<bool> running_;
};

}  // namespace smart_router::server
