#include "smart_router/upstream/endpoint.hpp"

#include <chrono>

#include "smart_router/config/host_port.hpp"

namespace smart_router::upstream {

Endpoint::Endpoint(std::string pool, std::string address)
    : pool_(std::move(pool)), address_(std::move(address)) {
  // The validator has accepted the address; a malformed one leaves host and port empty.
  std::string why;
  if (auto hp = config::parse_endpoint(address_, &why)) {
    host_ = std::move(hp->host);
    port_ = std::to_string(hp->port);
  }
}

const char* failure_name(EndpointFailure f) {
  switch (f) {
    case EndpointFailure::connect_failure:
      return "connect_failure";
    case EndpointFailure::reset:
      return "reset";
    case EndpointFailure::http_5xx:
      return "http_5xx";
    case EndpointFailure::bad_response:
      break;
  }
  return "bad_response";
}

std::int64_t steady_now_ms() {
  return steady_ms(std::chrono::steady_clock::now());
}

}  // namespace smart_router::upstream
