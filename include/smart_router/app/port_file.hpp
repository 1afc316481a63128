// --port-file: the addresses the router actually listens on (port 0 = a port the kernel picked),
// for tests and supervisors that start it without choosing a port.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <optional>
#include <string>

namespace smart_router::app {

// "HOST:PORT", an IPv6 host in brackets.
std::string host_port_text(const boost::asio::ip::tcp::endpoint& at);

// "listen=HOST:PORT\n", then "admin=HOST:PORT\n" when there is an admin listener; an IPv6
// host in brackets ("listen=[::1]:8080").
std::string port_file_text(const boost::asio::ip::tcp::endpoint& listen,
                           const std::optional<boost::asio::ip::tcp::endpoint>& admin);

// Writes `text` to a temporary file beside `path`, then renames it over `path`, so a reader
// sees the whole file or none. Throws std::runtime_error with the reason on failure.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace smart_router::app
