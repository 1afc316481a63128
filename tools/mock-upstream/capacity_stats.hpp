// What /admin/stats reports about capacity mode (see capacity.hpp).
#pragma once

#include <cstdint>

namespace mock_upstream {

struct CapacityStats {
  unsigned slots = 0;
  std::uint64_t service_ms = 0;
  std::uint64_t in_service = 0;
  std::uint64_t queued = 0;
  std::uint64_t max_queued = 0;  // the longest the queue has been
  std::uint64_t served = 0;      // served to the end and answered
};

}  // namespace mock_upstream
