#include "pattern_body.hpp"

namespace mock_upstream {

namespace {

constexpr std::array<char, kPatternChunk + kPatternPeriod> make_table() {
  std::array<char, kPatternChunk + kPatternPeriod> table{};
  for (std::size_t i = 0; i < table.size(); ++i) {
    table[i] = static_cast<char>('a' + i % kPatternPeriod);
  }
  return table;
}

constexpr std::array<char, kPatternChunk + kPatternPeriod> kTable = make_table();

}  // namespace

const char* pattern_table() {
  return kTable.data();
}

}  // namespace mock_upstream
