#include "smart_router/http/request_id.hpp"

#include <cstdint>
#include <random>

namespace smart_router::http {
namespace {

// splitmix64: fast, well distributed; seeded once per thread from the OS.
std::uint64_t next_random() {
  thread_local std::uint64_t state = [] {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  }();
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

std::string generate_request_id() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t hi = next_random();
  std::uint64_t lo = next_random();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                         // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  std::string id(36, '-');
  int pos = 0;
  auto put = [&](std::uint64_t v, int nibbles_from, int count) {
    for (int i = 0; i < count; ++i) {
      if (pos == 8 || pos == 13 || pos == 18 || pos == 23) ++pos;
      id[static_cast<std::size_t>(pos++)] = kHex[(v >> (4 * (nibbles_from - 1 - i))) & 0xF];
    }
  };
  put(hi, 16, 16);
  put(lo, 16, 16);
  return id;
}

}  // namespace smart_router::http
