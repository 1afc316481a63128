// A chunked request body's framing, checked while it arrives. Beast 1.81 bounds neither a
// chunk-size line nor the trailer section (it buffers until their CRLF / CRLFCRLF, however long
// that takes), and a line that ends in a bare LF never ends for it: the request would wait for
// ever, or until the client's bytes run the router out of memory. The relay (body_relay.cpp)
// calls check_chunk_framing whenever the parser waits on bytes it has not taken, and caps the
// read buffer, so neither can grow past max_header_bytes; body_error_answer says what a client
// whose body could not be read is answered.
#pragma once

#include <boost/system/error_code.hpp>
#include <cstddef>
#include <optional>
#include <string_view>

#include "smart_router/common/error.hpp"

namespace smart_router::http {

// `unparsed`: what a chunked body's parser has not taken while it waits for more (Beast takes a
// chunk's data as it comes, so these are a chunk-size line so far, perhaps after the previous
// chunk's CRLF, or a whole last-chunk line and the trailer section so far). The error they
// already show (a HeadError: chunk_line_too_long, chunk_bare_lf, trailer_too_large) with
// `limit` bytes (max_header_bytes) allowed for a line or for the last chunk with its trailer
// section; none while they may still be a valid body.
boost::system::error_code check_chunk_framing(std::string_view unparsed, std::size_t limit);

// The answer to a client whose request body could not be read while it was relayed: 413 over
// max_body_bytes, 431 a trailer section too large, 400 a malformed body (chunk framing, a
// trailer field Beast or the head's rules refuse). nullopt: the client went away (closed,
// reset, cut the body short, or stalled past idle_timeout_ms); it gets no answer.
std::optional<ProxyError> body_error_answer(const boost::system::error_code& ec);

}  // namespace smart_router::http
