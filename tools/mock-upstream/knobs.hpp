// The behaviour a request asks for, from its query string (`delay_ms=250&status=503`) or from
// `X-Mock-*` request headers (`X-Mock-Delay-Ms: 250`). The query wins when both name a knob.
#pragma once

#include <boost/beast/http/fields.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mock_upstream {

inline constexpr std::uint64_t kMaxDelayMs = 3'600'000;             // 1 hour
inline constexpr std::uint64_t kMaxHeaderBytes = 16 * 1024 * 1024;  // X-Padding total

struct Knobs {
  std::uint64_t delay_ms = 0;               // wait before answering (timer)
  std::optional<unsigned> status;           // status of the answer, 200..999
  std::optional<std::uint64_t> body_bytes;  // send an N-byte pattern body instead of the echo
  bool chunked = false;                     // with body_bytes: Transfer-Encoding: chunked
  bool reset = false;                       // RST instead of answering
  bool close = false;                       // answer with Connection: close, then close
  bool malformed = false;                   // garbage status line, then close
  std::uint64_t header_bytes = 0;           // X-Padding header of N bytes
  bool hang = false;                        // never answer; wait for the client to close
};

// Applies one knob; returns false when the name is not a knob or the value does not parse (the
// knob is then left as it was).
bool apply_knob(Knobs& knobs, std::string_view name, std::string_view value);

// Applies every `name=value` pair of a raw query string (without the '?').
void apply_query_knobs(Knobs& knobs, std::string_view query);

// The number in `name=N` of a raw query string; nullopt when absent or not a number.
std::optional<std::uint64_t> query_uint(std::string_view query, std::string_view name);

// Applies every `X-Mock-<Knob-Name>` header (e.g. X-Mock-Delay-Ms, X-Mock-Body-Bytes).
void apply_header_knobs(Knobs& knobs, const boost::beast::http::fields& headers);

// Headers first, then the query, so the query wins.
Knobs parse_knobs(std::string_view query, const boost::beast::http::fields& headers);

}  // namespace mock_upstream
