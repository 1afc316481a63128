// The key set of one JWKS URL, shared by every config snapshot that names the URL (so a reload
// keeps the keys) and by the refresher that fetches it (app/jwks_refresher.hpp).
// Verification reads the keys on the hot path without a lock: each thread keeps its copy and
// looks at the shared one only when a new set was published (common/published.hpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "smart_router/common/published.hpp"
#include "smart_router/tier/jwks.hpp"

namespace smart_router::tier {

class JwksStore {
 public:
  explicit JwksStore(std::string url) : url_(std::move(url)) {}
  const std::string& url() const { return url_; }

  // --- verification (any worker) ----------------------------------------------------------
  // The keys in use; null before the first successful fetch. Valid until this thread's next
  // call.
  const KeySet* keys() const;
  // A token named a kid the set lacks (the provider may have rotated): asks the refresher for
  // an early fetch, at most once per `min_interval_ms` (so made-up kids cannot make the router
  // hammer the provider). Never blocks.
  void want_refresh(std::int64_t now_ms, std::int64_t min_interval_ms) noexcept;

  // --- the refresher (control thread) -----------------------------------------------------
  bool take_refresh_request() noexcept { return refresh_wanted_.exchange(false); }
  void publish(std::shared_ptr<const KeySet> keys);
  void note_failure(std::string why);

  // For /ready and logs.
  struct Status {
    bool attempted = false;  // a fetch has finished (either way)
    std::size_t keys = 0;
    std::string last_error;  // of the last fetch; "" when it succeeded
  };
  Status status() const;

 private:
  std::string url_;
  Published<const KeySet> keys_;
  std::atomic<bool> refresh_wanted_{false};
  std::atomic<std::int64_t> next_refresh_allowed_ms_{0};
  mutable std::mutex status_mutex_;
  Status status_;
};

// The stores by URL, for the process's life (a reload that keeps the URL keeps the keys).
class JwksStores {
 public:
  std::shared_ptr<JwksStore> get(const std::string& url);

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<JwksStore>> stores_;
};

}  // namespace smart_router::tier
