// The active health check's probe (src/health/http_probe.cpp).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>

#include "smart_router/config/config.hpp"
#include "smart_router/upstream/endpoint.hpp"
#include "smart_router/upstream/upstream_connector.hpp"

namespace smart_router::health {

// One HTTP probe: GET path, answer status among expected. Bounded by timeout_ms.
boost::asio::awaitable<bool> probe_http(std::shared_ptr<upstream::Endpoint> ep,
                                        const config::HealthCheck& hc, std::uint32_t connect_ms,
                                        upstream::UpstreamTlsParams tls);

}  // namespace smart_router::health
