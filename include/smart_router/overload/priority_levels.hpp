// Nested limits by priority: the counting under both the router-wide max_in_flight and each
// pool's concurrency limit.
//
// A class at priority p may use shed_at_percent of the limit, counting only requests of its own
// and lower priorities. So premium requests in flight never take a LITE slot (LITE's share is
// LITE's alone), yet LITE and PRO together can never fill the capacity that premium classes
// may use: the reserve of every higher class is kept. (Nested booking limits, as airline seat
// inventory has them.) One counter per priority value; no lock; a racing pair of admissions can
// both be refused, never both let past a limit.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

namespace smart_router::overload {

inline constexpr std::size_t kMaxPriorityLevels = 16;

// Requests in flight, one counter per priority slot (slots: see PrioritySlots).
class PriorityCounters {
 public:
  std::int64_t at(std::size_t slot) const { return counts_[slot].load(std::memory_order_relaxed); }
  std::int64_t add(std::size_t slot, std::int64_t n) {
    return counts_[slot].fetch_add(n, std::memory_order_relaxed) + n;
  }
  std::int64_t total() const;

 private:
  std::array<std::atomic<std::int64_t>, kMaxPriorityLevels> counts_{};
};

// Maps priority values to counter slots, lowest priority first: slot order is priority order.
// Built from the config's classes; the same priorities always give the same slots.
class PrioritySlots {
 public:
  // `priorities`: every class's priority (any order, repeats allowed). At most
  // kMaxPriorityLevels distinct values (the validator refuses more).
  explicit PrioritySlots(const std::vector<int>& priorities);
  std::size_t slot_of(int priority) const;
  std::size_t size() const { return values_.size(); }

 private:
  std::vector<int> values_;  // sorted, distinct
};

// What a class must respect: for its own priority and every higher one, the share of the limit
// that requests at or below that priority may hold together.
struct LevelCheck {
  std::size_t top_slot = 0;  // counts slots 0..top_slot
  std::uint32_t share_percent = 100;
};

struct ClassLevels {
  std::size_t slot = 0;            // the class's own counter
  std::vector<LevelCheck> checks;  // own level first, then each higher one
};

// For each class (by index in `priorities`), its checks; a level's share is the largest
// shed_at_percent among the classes at that priority.
std::vector<ClassLevels> build_class_levels(const PrioritySlots& slots,
                                            const std::vector<int>& priorities,
                                            const std::vector<std::uint32_t>& share_percents);

// Counts one request of `levels` if every check holds under `limit`; true when counted.
bool try_count(PriorityCounters& counters, const ClassLevels& levels, std::int64_t limit);
// The same where `limit` may be cut below the configured `top_limit` (an adaptive limit): a
// class whose share is the whole limit (premium) is held by `top_limit` while requests of lower
// priorities are in flight, so the cuts fall on those first; with none left to cut, the
// cut limit holds it too.
bool try_count(PriorityCounters& counters, const ClassLevels& levels, std::int64_t limit,
               std::int64_t top_limit);
// Whether a request of `levels` would fit now (nothing counted).
bool fits(const PriorityCounters& counters, const ClassLevels& levels, std::int64_t limit);

// A share of a limit, at least 1 so that a tiny limit still admits someone.
std::int64_t share_of(std::int64_t limit, std::uint32_t share_percent);

// RAII: one request counted in a slot of `Limiter` (anything with release(slot): the
// router-wide Admission, a PoolAdmission), given back when the request ends however it ends.
template <typename Limiter>
class CountedSlot {
 public:
  CountedSlot() = default;
  CountedSlot(Limiter& l, std::size_t slot) : limiter_(&l), slot_(slot) {}
  CountedSlot(CountedSlot&& o) noexcept : limiter_(o.limiter_), slot_(o.slot_) {
    o.limiter_ = nullptr;
  }
  CountedSlot& operator=(CountedSlot&& o) noexcept {
    if (this != &o) {
      reset();
      limiter_ = o.limiter_;
      slot_ = o.slot_;
      o.limiter_ = nullptr;
    }
    return *this;
  }
  CountedSlot(const CountedSlot&) = delete;
  CountedSlot& operator=(const CountedSlot&) = delete;
  ~CountedSlot() { reset(); }
  void reset() {
    if (limiter_ != nullptr) limiter_->release(slot_);
    limiter_ = nullptr;
  }
  explicit operator bool() const { return limiter_ != nullptr; }

 private:
  Limiter* limiter_ = nullptr;
  std::size_t slot_ = 0;
};

}  // namespace smart_router::overload
