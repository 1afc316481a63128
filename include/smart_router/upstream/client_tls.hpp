// The TLS client context the router uses for connections it opens (upstream pools, the JWKS
// fetch, the fleet quotas' Redis): TLS 1.2 or later, peers verified against `ca_file` or, when
// it is empty, the system's trust store.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <string>

namespace smart_router::upstream {

// Null, with `ec` set, when the CA file cannot be loaded.
std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(const std::string& ca_file,
                                                                   boost::system::error_code& ec);

}  // namespace smart_router::upstream
