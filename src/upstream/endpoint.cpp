#include "smart_router/upstream/endpoint.hpp"

#include <chrono>

namespace smart_router::upstream {

Endpoint::Endpoint(std::string pool, std::string address)
    : pool_(std::move(pool)), address_(std::move(address)) {
  split_host_port(address_, host_, port_);
}

bool split_host_port(const std::string& address, std::string& host, std::string& port) {
  if (address.empty()) return false;
  std::size_t colon;
  if (address.front() == '[') {
    const auto close = address.find(']');
    if (close == std::string::npos || close + 1 >= address.size() || address[close + 1] != ':')
      return false;
    host = address.substr(1, close - 1);
    if (host.empty()) return false;
    colon = close + 1;
  } else {
    colon = address.rfind(':');
    if (colon == std::string::npos || colon == 0) return false;
    host = address.substr(0, colon);
    if (host.find(':') != std::string::npos) return false;  // IPv6 needs [brackets]
  }
  port = address.substr(colon + 1);
  if (port.empty() || port.size() > 5) return false;
  for (char c : port)
    if (c < '0' || c > '9') return false;
  return std::stoul(port) <= 65535;
}

std::int64_t steady_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace smart_router::upstream
