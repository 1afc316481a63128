// Random 64-bit numbers for ids (request ids, trace and span ids): not for secrets. One
// generator per thread (each worker has its own), seeded from the OS once: no lock, no
// allocation, no system call per number.
#pragma once

#include <cstdint>

namespace smart_router {

// splitmix64 on a thread-local state seeded from std::random_device.
std::uint64_t fast_random();

}  // namespace smart_router
