// A value one thread replaces now and then (a key set, a TLS certificate) and many threads read
// on their hot path. std::atomic<std::shared_ptr> takes a spin lock in libstdc++ on every load,
// so readers keep their own copy (PublishedCache) and look at the shared one only when its
// version moved: one acquire load per read otherwise.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace smart_router {

namespace detail {
// Versions are unique across every Published object, so a cache that follows several of them
// in turn can never mistake one's value for another's.
inline std::uint64_t next_published_version() {
  static std::atomic<std::uint64_t> counter{0};
  return counter.fetch_add(1, std::memory_order_relaxed) + 1;
}
}  // namespace detail

template <typename T>
class Published {
 public:
  Published() = default;
  explicit Published(std::shared_ptr<T> initial) { publish(std::move(initial)); }

  void publish(std::shared_ptr<T> value) {
    value_.store(std::move(value));
    version_.store(detail::next_published_version(), std::memory_order_release);
  }
  std::shared_ptr<T> load() const { return value_.load(); }
  std::uint64_t version() const { return version_.load(std::memory_order_acquire); }

 private:
  std::atomic<std::shared_ptr<T>> value_;
  std::atomic<std::uint64_t> version_{0};
};

// One reader's copy (per worker, or thread_local).
template <typename T>
class PublishedCache {
 public:
  const std::shared_ptr<T>& get(const Published<T>& from) {
    const auto v = from.version();
    if (v != version_) {
      value_ = from.load();
      version_ = v;
    }
    return value_;
  }

 private:
  std::shared_ptr<T> value_;
  std::uint64_t version_ = 0;
};

}  // namespace smart_router
