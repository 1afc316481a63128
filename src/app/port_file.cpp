#include "smart_router/app/port_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace smart_router::app {

std::string host_port_text(const boost::asio::ip::tcp::endpoint& at) {
  const auto host = at.address().to_string();
  const auto port = std::to_string(at.port());
  return at.address().is_v6() ? "[" + host + "]:" + port : host + ":" + port;
}

std::string port_file_text(const boost::asio::ip::tcp::endpoint& listen,
                           const std::optional<boost::asio::ip::tcp::endpoint>& admin) {
  std::string out = "listen=" + host_port_text(listen) + "\n";
  if (admin) out += "admin=" + host_port_text(*admin) + "\n";
  return out;
}

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + why);
  }
}

}  // namespace smart_router::app
