// Priority shedding against the router-wide overload.max_in_flight. A class is admitted while
// the requests in flight of its own and lower priorities are below its shed_at_percent of
// max_in_flight, and every higher level's share also holds (PriorityLevels). So under pressure
// LITE (70%) goes first, then PRO (85%), premium classes (100%) last, and a premium request in
// flight never takes a LITE slot.
#pragma once

#include <cstdint>

#include "smart_router/overload/priority_levels.hpp"

namespace smart_router::overload {

class Admission {
 public:
  // True and counted when admitted; the caller releases through AdmissionGuard.
  bool try_admit(const ClassLevels& levels, std::int64_t max_in_flight) {
    return try_count(counters_, levels, max_in_flight);
  }
  void release(std::size_t slot) { counters_.add(slot, -1); }
  std::int64_t in_flight() const { return counters_.total(); }

 private:
  PriorityCounters counters_;
};

// Gives the admission slot back when the request ends, however it ends.
using AdmissionGuard = CountedSlot<Admission>;

}  // namespace smart_router::overload
