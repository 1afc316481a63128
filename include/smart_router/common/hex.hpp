// Lower-case hex of 64-bit values, a byte (two digits) per table lookup: ids are written for
// every request (request id, trace and span ids), and a digit at a time cost ~80 instructions
// an id.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace smart_router {

namespace detail {
inline constexpr std::array<char, 512> kHexPairs = [] {
  constexpr char digits[] = "0123456789abcdef";
  std::array<char, 512> t{};
  for (std::size_t b = 0; b < 256; ++b) {
    t[2 * b] = digits[b >> 4];
    t[2 * b + 1] = digits[b & 0xF];
  }
  return t;
}();
}  // namespace detail

// Writes the 16 hex digits of v, most significant first, at out[0..16).
inline void write_hex64(std::uint64_t v, char* out) {
  for (std::ptrdiff_t i = 7; i >= 0; --i, v >>= 8)
    std::memcpy(out + 2 * i, detail::kHexPairs.data() + 2 * (v & 0xFF), 2);
}

}  // namespace smart_router
