// Keeps the JWKS of tiers.trust.jwt.jwks_url current, on the control thread: fetched at start,
// every jwks_refresh_s, and early when a token names an unknown kid (JwksStore::want_refresh,
// rate-limited there). A fetch that fails (unreachable, TLS, HTTP error, not a JWKS, no usable
// key) changes nothing: the last good keys stay in use, the failure is logged at warn and
// counted, and it is tried again after 1 s, 2 s, 4 s ... (at most jwks_refresh_s).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <optional>
#include <string>

#include "smart_router/config/config.hpp"
#include "smart_router/config/host_port.hpp"
#include "smart_router/observability/metrics.hpp"
#include "smart_router/tier/jwks_store.hpp"

namespace smart_router::app {

class JwksRefresher {
 public:
  JwksRefresher(boost::asio::io_context& control, tier::JwksStores& stores,
                observability::Metrics& metrics);
  ~JwksRefresher();

  // What a config asks to fetch, ready to use; nullopt without a jwks_url in jwt mode.
  struct Plan {
    std::string url;
    config::HttpsUrl parsed;
    std::uint32_t refresh_s = 300;
    std::string ca_file;
    std::shared_ptr<boost::asio::ssl::context> tls;  // verifies the provider's certificate
  };
  // Throws std::invalid_argument: a URL or CA file that cannot be used.
  static std::optional<Plan> plan(const config::Tiers& tiers);

  // Starts fetching for `plan` (a plan like the running one keeps it running).
  void install(std::optional<Plan> plan);
  void stop();

 private:
  boost::asio::awaitable<void> run(std::shared_ptr<bool> running, Plan plan,
                                   std::shared_ptr<tier::JwksStore> store);
  // One fetch; true when a new key set was published.
  boost::asio::awaitable<bool> fetch(const Plan& plan, tier::JwksStore& store);

  boost::asio::io_context& control_;
  tier::JwksStores& stores_;
  observability::Metrics& metrics_;
  std::optional<Plan> current_;
  std::shared_ptr<bool> running_;
};

}  // namespace smart_router::app
