// The common shape of an upstream's answer head, parsed in one pass: HTTP/1.1, a final status
// with a body (2xx-5xx but 204 and 304), one Content-Length, printable ASCII names and values,
// no Transfer-Encoding, Upgrade or Connection other than keep-alive. Beast's parser spends
// ~800 instructions a field on the same head (its field-name table lookup, token lists, per
// field callbacks); this spends about a fifth.
//
// Anything else (another version, 1xx, 204, 304, chunked, close-delimited, obs-fold, obs-text,
// a head not all here yet, ...) is not this shape: nullopt, and Beast's parser takes the same
// bytes, strict as it is. What this accepts Beast accepts with the same status, reason, fields
// and framing (the response_head fuzz target checks it on every input).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "smart_router/http/flat_fields.hpp"

namespace smart_router::http {

struct SimpleResponseHead {
  unsigned status = 0;
  std::string_view reason;  // into the parsed bytes
  std::uint64_t content_length = 0;
  std::size_t head_size = 0;  // bytes up to and including the blank line
};

// Larger heads are left to Beast (and its header_limit).
constexpr std::size_t kMaxSimpleResponseHead = 8192;

// Parses the head at the start of `bytes` into `fields` (cleared first; empty on nullopt).
std::optional<SimpleResponseHead> parse_simple_response_head(std::string_view bytes,
                                                             FlatFields& fields);

}  // namespace smart_router::http
