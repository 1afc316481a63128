// Namespace aliases and the completion token shared by every file of mock-upstream.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

namespace mock_upstream {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

// Boost 1.81 has no default token: spell it on every call. Errors come back as values.
inline constexpr auto kTok = net::as_tuple(net::use_awaitable);

}  // namespace mock_upstream
