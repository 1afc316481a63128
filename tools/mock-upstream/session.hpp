// One HTTP/1.1 connection: read a request (streaming its body), answer, repeat while keep-alive.
#pragma once

#include <cstdint>
#include <memory>

#include "asio.hpp"
#include "state.hpp"

namespace mock_upstream {

inline constexpr std::uint32_t kHeaderLimit = 64 * 1024;

net::awaitable<void> run_session(tcp::socket socket, std::shared_ptr<State> state,
                                 std::uint64_t connection_id);

}  // namespace mock_upstream
