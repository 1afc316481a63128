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

void generate_request_id(std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t hi = next_random();
  std::uint64_t lo = next_random();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                         // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  char text[36];
  char* p = text;
  for (int byte = 0; byte < 16; ++byte) {
    if (byte == 4 || byte == 6 || byte == 8 || byte == 10) *p++ = '-';
    const std::uint64_t word = byte < 8 ? hi : lo;
    const auto b = static_cast<unsigned>((word >> (8 * (7 - byte % 8))) & 0xFF);
    *p++ = kHex[b >> 4];
    *p++ = kHex[b & 0xF];
  }
  out.assign(text, sizeof text);
}

std::string generate_request_id() {
  std::string id;
  generate_request_id(id);
  return id;
}

}  // namespace smart_router::http
