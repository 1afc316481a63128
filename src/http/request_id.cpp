#include "smart_router/http/request_id.hpp"

#include <array>
#include <cstdint>

#include "smart_router/common/fast_random.hpp"

namespace smart_router::http {

void generate_request_id(std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  // Where each of the 32 hex digits goes in "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
  static constexpr std::array<std::uint8_t, 32> kAt = {0,  1,  2,  3,  4,  5,  6,  7,  9,  10, 11,
                                                       12, 14, 15, 16, 17, 19, 20, 21, 22, 24, 25,
                                                       26, 27, 28, 29, 30, 31, 32, 33, 34, 35};
  std::uint64_t hi = fast_random();
  std::uint64_t lo = fast_random();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                         // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  char text[36];
  text[8] = text[13] = text[18] = text[23] = '-';
  for (int i = 0; i < 16; ++i) {
    text[kAt[static_cast<std::size_t>(i)]] = kHex[(hi >> (60 - 4 * i)) & 0xF];
    text[kAt[16 + static_cast<std::size_t>(i)]] = kHex[(lo >> (60 - 4 * i)) & 0xF];
  }
  out.assign(text, sizeof text);
}

bool is_acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == ':' || c == '/' || c == '+' ||
                    c == '=';
    if (!ok) return false;
  }
  return true;
}

}  // namespace smart_router::http
