#include "smart_router/http/request_id.hpp"

#include <cstdint>
#include <cstring>

#include "smart_router/common/fast_random.hpp"
#include "smart_router/common/hex.hpp"

namespace smart_router::http {

void generate_request_id(std::string& out) {
  std::uint64_t hi = fast_random();
  std::uint64_t lo = fast_random();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                         // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  char digits[32];
  write_hex64(hi, digits);
  write_hex64(lo, digits + 16);
  // "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx": the 32 digits in groups of 8, 4, 4, 4 and 12.
  char text[36];
  std::memcpy(text, digits, 8);
  std::memcpy(text + 9, digits + 8, 4);
  std::memcpy(text + 14, digits + 12, 4);
  std::memcpy(text + 19, digits + 16, 4);
  std::memcpy(text + 24, digits + 20, 12);
  text[8] = text[13] = text[18] = text[23] = '-';
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
