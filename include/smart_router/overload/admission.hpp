// Priority shedding: one router-wide count of requests in flight. A class is admitted while
// that count is below its shed_at_percent of overload.max_in_flight, so under pressure LITE
// (70%) goes first, then PRO (85%), and premium classes (100%) last.
#pragma once

#include <atomic>
#include <cstdint>

namespace smart_router::overload {

class Admission {
 public:
  // Limit for a class: max_in_flight * shed_at_percent / 100 (at least 1).
  static std::int64_t class_limit(std::uint32_t max_in_flight, std::uint32_t shed_at_percent);

  // True and counted when admitted; the caller releases through AdmissionGuard.
  bool try_admit(std::int64_t limit) {
    const auto before = in_flight_.fetch_add(1, std::memory_order_relaxed);
    if (before < limit) return true;
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    return false;
  }
  void release() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }
  std::int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> in_flight_{0};
};

// RAII: gives the admission slot back when the request ends, however it ends.
class AdmissionGuard {
 public:
  AdmissionGuard() = default;
  explicit AdmissionGuard(Admission& a) : admission_(&a) {}
  AdmissionGuard(AdmissionGuard&& o) noexcept : admission_(o.admission_) { o.admission_ = nullptr; }
  AdmissionGuard& operator=(AdmissionGuard&& o) noexcept {
    if (this != &o) {
      reset();
      admission_ = o.admission_;
      o.admission_ = nullptr;
    }
    return *this;
  }
  ~AdmissionGuard() { reset(); }
  void reset() {
    if (admission_ != nullptr) admission_->release();
    admission_ = nullptr;
  }

 private:
  Admission* admission_ = nullptr;
};

}  // namespace smart_router::overload
