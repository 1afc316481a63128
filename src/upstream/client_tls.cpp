#include "smart_router/upstream/client_tls.hpp"

namespace smart_router::upstream {

std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(const std::string& ca_file,
                                                                   boost::system::error_code& ec) {
  namespace ssl = boost::asio::ssl;
  auto tls = std::make_shared<ssl::context>(ssl::context::tls_client);
  tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (ca_file.empty())
    tls->set_default_verify_paths(ec);
  else
    tls->load_verify_file(ca_file, ec);
  return ec ? nullptr : tls;
}

}  // namespace smart_router::upstream
