// Waits that notice a client going away: capacity mode's gate in front of an answer (wait for a
// slot in FIFO order, hold it for the service time) and the delay_ms knob's timer.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <cstdint>
#include <optional>

#include "asio.hpp"
#include "capacity.hpp"

namespace mock_upstream {

// When one request was in service, on the mock's steady clock (microseconds since it started),
// reported in X-Mock-Service-* headers so a test can check order and overlap.
struct ServiceRecord {
  std::uint64_t order = 0;     // 1-based order of entering service
  std::uint64_t start_us = 0;  // entered service
  std::uint64_t end_us = 0;    // left service
};

// Waits for `timer`; false when the client closed or reset the connection first (the timer is
// then left as it was). Bytes the client sends meanwhile (a pipelined request) land in `buffer`.
net::awaitable<bool> wait_unless_closed(tcp::socket& socket, beast::flat_buffer& buffer,
                                        net::steady_timer& timer);

// nullopt when the client closed before the answer could be sent: a queued request then leaves
// the queue at once; one in service keeps its slot for the rest of its service time (the work
// has started).
net::awaitable<std::optional<ServiceRecord>> serve_in_slot(tcp::socket& socket,
                                                           beast::flat_buffer& buffer,
                                                           Capacity& capacity);

}  // namespace mock_upstream
