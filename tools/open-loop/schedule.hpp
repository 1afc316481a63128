// When each request is due: phases of a constant rate, one after the other.
#pragma once

#include <cstdint>
#include <vector>

namespace open_loop {

struct Phase {
  double rate = 0;     // requests per second (0: a pause)
  double seconds = 0;  // how long the phase lasts
};

// Send times in microseconds from the start, evenly spaced within each phase: a phase of R/s
// for S s holds round(R * S) requests, the k-th at phase_start + k / R.
std::vector<std::int64_t> send_offsets_us(const std::vector<Phase>& phases);

}  // namespace open_loop
