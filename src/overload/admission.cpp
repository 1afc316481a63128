#include "smart_router/overload/admission.hpp"

#include <algorithm>

namespace smart_router::overload {

std::int64_t Admission::class_limit(std::uint32_t max_in_flight, std::uint32_t shed_at_percent) {
  const auto limit = static_cast<std::int64_t>(max_in_flight) * shed_at_percent / 100;
  return std::max<std::int64_t>(1, limit);
}

}  // namespace smart_router::overload
