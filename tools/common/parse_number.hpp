// Whole-text number parsing for the tools' command lines (mock-upstream, open-loop).
#pragma once

#include <charconv>
#include <string_view>
#include <system_error>

namespace tools {

// True when all of `text` (not empty) is one number of type T, stored in `out`.
template <class T>
bool parse_number(std::string_view text, T& out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end && !text.empty();
}

}  // namespace tools
