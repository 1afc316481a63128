// A response Body of N bytes where byte i is 'a' + (i % 26). The writer hands out 64 KiB windows
// into one static table, so a body of any size is produced without being held in memory. With
// Transfer-Encoding: chunked each window becomes one chunk.
#pragma once

#include <algorithm>
#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "asio.hpp"

namespace mock_upstream {

inline constexpr std::size_t kPatternChunk = 64 * 1024;
inline constexpr std::size_t kPatternPeriod = 26;

// kPatternChunk + kPatternPeriod bytes of the pattern, so any window of kPatternChunk bytes
// starting at any phase is contiguous.
const char* pattern_table();

struct PatternBody {
  using value_type = std::uint64_t;  // body size in bytes

  static std::uint64_t size(value_type total) { return total; }

  class writer {
   public:
    using const_buffers_type = net::const_buffer;

    template <bool isRequest, class Fields>
    writer(const http::header<isRequest, Fields>& /*header*/, const value_type& total)
        : remaining_(total) {}

    void init(beast::error_code& ec) { ec = {}; }

    boost::optional<std::pair<const_buffers_type, bool>> get(beast::error_code& ec) {
      ec = {};
      if (remaining_ == 0) return boost::none;
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(kPatternChunk, remaining_));
      const char* start = pattern_table() + offset_ % kPatternPeriod;
      offset_ += n;
      remaining_ -= n;
      return std::make_pair(net::const_buffer(start, n), remaining_ > 0);
    }

   private:
    std::uint64_t remaining_;
    std::uint64_t offset_ = 0;
  };
};

}  // namespace mock_upstream
