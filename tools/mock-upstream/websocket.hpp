// A WebSocket connection: accept the upgrade, then echo every message prefixed by "NAME: ".
#pragma once

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <memory>

#include "asio.hpp"
#include "state.hpp"

namespace mock_upstream {

net::awaitable<void> run_websocket(tcp::socket socket, http::request<http::empty_body> upgrade,
                                   std::shared_ptr<State> state);

}  // namespace mock_upstream
