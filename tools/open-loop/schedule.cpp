#include "schedule.hpp"

#include <cmath>

namespace open_loop {

std::vector<std::int64_t> send_offsets_us(const std::vector<Phase>& phases) {
  std::vector<std::int64_t> out;
  double phase_start_s = 0;
  for (const Phase& phase : phases) {
    const auto count = phase.rate > 0 ? std::llround(phase.rate * phase.seconds) : 0LL;
    for (long long k = 0; k < count; ++k) {
      const double at_s = phase_start_s + static_cast<double>(k) / phase.rate;
      out.push_back(std::llround(at_s * 1e6));
    }
    phase_start_s += phase.seconds;
  }
  return out;
}

}  // namespace open_loop
