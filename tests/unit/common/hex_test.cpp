#include "smart_router/common/hex.hpp"

#include <gtest/gtest.h>

#include <string>

namespace smart_router {
namespace {

std::string hex(std::uint64_t v) {
  std::string out(16, '?');
  write_hex64(v, out.data());
  return out;
}

TEST(WriteHex64, WritesSixteenLowerCaseDigitsMostSignificantFirst) {
  EXPECT_EQ(hex(0), "0000000000000000");
  EXPECT_EQ(hex(1), "0000000000000001");
  EXPECT_EQ(hex(0xFFFFFFFFFFFFFFFFULL), "ffffffffffffffff");
  EXPECT_EQ(hex(0x0123456789ABCDEFULL), "0123456789abcdef");
  EXPECT_EQ(hex(0xA0B1C2D3E4F50617ULL), "a0b1c2d3e4f50617");
}

TEST(WriteHex64, EveryByteValueRoundTrips) {
  for (std::uint64_t b = 0; b < 256; ++b) {
    const auto text = hex(b << 24);
    EXPECT_EQ(std::stoull(text, nullptr, 16), b << 24) << text;
  }
}

}  // namespace
}  // namespace smart_router
