// Answers one fully read request on its connection: /health, /admin/*, or the echo shaped by the
// request's knobs.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <cstdint>

#include "asio.hpp"
#include "hashing_body.hpp"
#include "service_gate.hpp"
#include "state.hpp"

namespace mock_upstream {

enum class Next { keep_alive, close };

using Request = http::request<HashingBody>;

// The connection this request arrived on (ids are process-wide, 1-based; index is 0-based).
struct ConnectionRef {
  std::uint64_t id = 0;
  std::uint64_t request_index = 0;
  const ServiceRecord* service = nullptr;  // capacity mode: when this request was in service
};

// Writes the answer (or resets/hangs as asked). Returns Next::close when the connection must end;
// the caller then closes it. The caller owns socket, buffer, state and request, and awaits this at
// once. `buffer` is the session's read buffer: bytes that arrive while a request waits go there.
net::awaitable<Next> respond(tcp::socket& socket, beast::flat_buffer& buffer, State& state,
                             const Request& request, ConnectionRef conn);

// A 400 (Connection: close) for a request that did not parse; the caller then closes.
net::awaitable<void> reject_bad_request(tcp::socket& socket, State& state, beast::error_code why);

}  // namespace mock_upstream
