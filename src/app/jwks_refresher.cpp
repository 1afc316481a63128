#include "smart_router/app/jwks_refresher.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>

#include "smart_router/upstream/client_tls.hpp"
#include "smart_router/upstream/https_get.hpp"

namespace smart_router::app {
namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kFetchTimeout = std::chrono::seconds(5);
constexpr std::size_t kMaxJwksBytes = std::size_t{1} << 20;
constexpr auto kPollEvery = std::chrono::milliseconds(200);  // how soon a kid request is seen
constexpr auto kMaxBackoff = std::chrono::seconds(60);

std::string kids_of(const tier::KeySet& set) {
  std::string out;
  for (const auto& k : set.keys) {
    if (!out.empty()) out += ", ";
    out += k.kid.empty() ? "(no kid)" : k.kid;
  }
  return out;
}

}  // namespace

JwksRefresher::JwksRefresher(net::io_context& control, tier::JwksStores& stores,
                             observability::Metrics& metrics)
    : control_(control), stores_(stores), metrics_(metrics) {}

JwksRefresher::~JwksRefresher() {
  stop();
}

std::optional<JwksRefresher::Plan> JwksRefresher::plan(const config::Tiers& tiers) {
  const auto& jwt = tiers.trust.jwt;
  if (tiers.trust.mode != config::TrustMode::jwt || jwt.jwks_url.empty()) return std::nullopt;
  Plan p;
  p.url = jwt.jwks_url;
  std::string why;
  auto parsed = config::parse_https_url(jwt.jwks_url, &why);
  if (!parsed) throw std::invalid_argument("tiers.trust.jwt.jwks_url: " + why);
  p.parsed = std::move(*parsed);
  p.refresh_s = jwt.jwks_refresh_s;
  p.ca_file = jwt.jwks_ca_file;
  boost::system::error_code ec;
  p.tls = upstream::make_client_tls_context(p.ca_file, ec);
  if (ec)
    throw std::invalid_argument("tiers.trust.jwt.jwks_ca_file " + p.ca_file + ": " + ec.message());
  return p;
}

void JwksRefresher::install(std::optional<Plan> plan) {
  if (plan && current_ && plan->url == current_->url && plan->refresh_s == current_->refresh_s &&
      plan->ca_file == current_->ca_file && running_)
    return;  // unchanged: keep the schedule (a reload must not fetch again)
  stop();
  current_ = std::move(plan);
  if (!current_) return;
  running_ = std::make_shared<bool>(true);
  net::co_spawn(control_, run(running_, *current_, stores_.get(current_->url)), net::detached);
}

void JwksRefresher::stop() {
  if (running_) *running_ = false;
  running_.reset();
}

net::awaitable<void> JwksRefresher::run(std::shared_ptr<bool> running, Plan plan,
                                        std::shared_ptr<tier::JwksStore> store) {
  const auto refresh = std::chrono::seconds(plan.refresh_s);
  auto next = store->keys() != nullptr ? Clock::now() + refresh : Clock::now();
  std::chrono::seconds backoff{1};
  net::steady_timer timer(control_);
  while (*running) {
    if (Clock::now() >= next || store->take_refresh_request()) {
      auto attempt = fetch(plan, *store);
      const bool ok = co_await std::move(attempt);
      if (!*running) break;
      next = Clock::now() + (ok ? refresh : std::min<std::chrono::seconds>(backoff, refresh));
      backoff =
          ok ? std::chrono::seconds(1) : std::min<std::chrono::seconds>(backoff * 2, kMaxBackoff);
    }
    timer.expires_after(kPollEvery);
    co_await timer.async_wait(net::as_tuple(net::use_awaitable));
  }
}

net::awaitable<bool> JwksRefresher::fetch(const Plan& plan, tier::JwksStore& store) {
  auto get = upstream::https_get(plan.parsed, *plan.tls, kFetchTimeout, kMaxJwksBytes);
  auto got = co_await std::move(get);
  std::string error = std::move(got.error);
  if (got.ok) {
    try {
      auto parsed = tier::parse_jwks(got.body);
      for (const auto& s : parsed.skipped) spdlog::warn("JWKS {}: {} skipped", plan.url, s);
      if (!parsed.set.keys.empty()) {
        auto set = std::make_shared<const tier::KeySet>(std::move(parsed.set));
        const auto* before = store.keys();
        if (before == nullptr || kids_of(*before) != kids_of(*set))
          spdlog::info("JWKS {}: {} key(s) in use: {}", plan.url, set->keys.size(), kids_of(*set));
        metrics_.jwks_keys().Set(static_cast<double>(set->keys.size()));
        store.publish(std::move(set));
        metrics_.jwks_fetches(true).Increment();
        co_return true;
      }
      error = "no usable key";
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  metrics_.jwks_fetches(false).Increment();
  const auto* keys = store.keys();
  if (keys != nullptr)
    spdlog::warn("JWKS {} fetch failed ({}); still using the {} key(s) fetched before", plan.url,
                 error, keys->keys.size());
  else
    spdlog::warn(
        "JWKS {} fetch failed ({}); no keys yet: RS/ES tokens are not honoured "
        "(tiers.trust.on_untrusted decides)",
        plan.url, error);
  store.note_failure(std::move(error));
  co_return false;
}

}  // namespace smart_router::app
