#include "smart_router/tier/jwks_store.hpp"

namespace smart_router::tier {

const KeySet* JwksStore::keys() const {
  thread_local PublishedCache<const KeySet> cache;
  return cache.get(keys_).get();
}

void JwksStore::want_refresh(std::int64_t now_ms, std::int64_t min_interval_ms) noexcept {
  auto allowed = next_refresh_allowed_ms_.load(std::memory_order_relaxed);
  if (now_ms < allowed) return;
  if (next_refresh_allowed_ms_.compare_exchange_strong(allowed, now_ms + min_interval_ms,
                                                       std::memory_order_relaxed))
    refresh_wanted_.store(true);
}

void JwksStore::publish(std::shared_ptr<const KeySet> keys) {
  const std::size_t n = keys ? keys->keys.size() : 0;
  keys_.publish(std::move(keys));
  const std::lock_guard lock(status_mutex_);
  status_.attempted = true;
  status_.keys = n;
  status_.last_error.clear();
}

void JwksStore::note_failure(std::string why) {
  const std::lock_guard lock(status_mutex_);
  status_.attempted = true;
  status_.last_error = std::move(why);
}

JwksStore::Status JwksStore::status() const {
  const std::lock_guard lock(status_mutex_);
  return status_;
}

std::shared_ptr<JwksStore> JwksStores::get(const std::string& url) {
  const std::lock_guard lock(mutex_);
  auto& s = stores_[url];
  if (!s) s = std::make_shared<JwksStore>(url);
  return s;
}

}  // namespace smart_router::tier
