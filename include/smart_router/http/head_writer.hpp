// Writes a message head into a std::string through a pointer. The caller gives the most the
// head can take; the string is sized once and every piece is a plain copy, where appending to
// a std::string checked and grew its capacity for each of a head's ~30 pieces.
#pragma once

#include <cassert>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace smart_router::http {

class HeadWriter {
 public:
  static constexpr std::size_t kMaxDigits = 20;  // of a std::uint64_t

  // The bytes `name: value\r\n` takes.
  static constexpr std::size_t field_size(std::string_view name, std::string_view value) {
    return name.size() + value.size() + 4;
  }

  // `bound`: the most this head can take. `out` keeps its capacity from head to head; only
  // the bytes past the last head's end are zero-filled when it is sized.
  HeadWriter(std::string& out, std::size_t bound) : out_(out) {
    if (out_.size() < bound) out_.resize(bound);
    p_ = out_.data();
    end_ = p_ + bound;
  }
  ~HeadWriter() { out_.resize(static_cast<std::size_t>(p_ - out_.data())); }
  HeadWriter(const HeadWriter&) = delete;
  HeadWriter& operator=(const HeadWriter&) = delete;

  void put(std::string_view s) {
    assert(s.size() <= static_cast<std::size_t>(end_ - p_));
    if (s.empty()) return;  // its data() may be null, which memcpy must never get
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  void put(char c) {
    assert(p_ < end_);
    *p_++ = c;
  }
  void number(std::uint64_t n) {
    assert(static_cast<std::size_t>(end_ - p_) >= kMaxDigits);
    p_ = std::to_chars(p_, p_ + kMaxDigits, n).ptr;
  }
  void field(std::string_view name, std::string_view value) {
    put(name);
    put(": ");
    put(value);
    put("\r\n");
  }

 private:
  std::string& out_;
  char* p_ = nullptr;
  char* end_ = nullptr;
};

}  // namespace smart_router::http
