#include "smart_router/app/fleet_quota_sync.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "smart_router/upstream/client_tls.hpp"
#include "smart_router/upstream/redis_connection.hpp"

namespace smart_router::app {
namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kToken = net::as_tuple(net::use_awaitable);
constexpr auto kFirstBackoff = std::chrono::milliseconds(100);
constexpr auto kMaxBackoff = std::chrono::milliseconds(2000);
// While no lease needs tokens, a PING this often: a connection a firewall or Redis's `timeout`
// dropped is found (and replaced) before a lease needs it, and the gauge stays true.
constexpr auto kIdlePing = std::chrono::seconds(5);

// GCRA over one key, on Redis's clock (microseconds): gives back ARGV[4] tokens, then grants
// up to ARGV[3] of what the bucket (ARGV[2] tokens, one per ARGV[1] microseconds) holds.
// Returns {granted, tokens left in the bucket, microseconds until it has one more}.
constexpr const char* kLeaseScript = R"lua(
local emission = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local back = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now) or now
if tat < now then tat = now end
if back > 0 then tat = math.max(now, tat - back * emission) end
local room = math.floor((now + burst * emission - tat) / emission)
if room < 0 then room = 0 end
local grant = math.min(want, room)
tat = tat + grant * emission
if tat > now then
  redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000) + 1000)
else
  redis.call('DEL', KEYS[1])
end
local wait = 0
if room - grant <= 0 then wait = math.ceil(tat - now - (burst - 1) * emission) end
return {grant, room - grant, wait}
)lua";

std::string decimal(double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%.3f", v);
  return text;
}

std::int64_t integer_at(const upstream::RedisReply& r, std::size_t i) {
  if (r.type != upstream::RedisReply::Type::array || r.elements.size() <= i ||
      r.elements[i].type != upstream::RedisReply::Type::integer)
    throw std::runtime_error(r.type == upstream::RedisReply::Type::error
                                 ? r.text
                                 : "unexpected reply to the lease script");
  return r.elements[i].integer;
}

// One exchange's worth: a lease script call for each bucket that wants tokens, has some to give
// back or has never been granted any; `asked` holds those buckets, in command order.
struct Batch {
  std::vector<ratelimit::RateLimitState::FleetBucket> asked;
  std::vector<upstream::RedisCommand> commands;
};

Batch lease_batch(const std::vector<ratelimit::RateLimitState::FleetBucket>& buckets,
                  const config::FleetRedis& settings, std::int64_t elapsed_ns,
                  std::int64_t interval_ns) {
  Batch b;
  for (const auto& bucket : buckets) {
    auto& lease = *bucket.lease;
    const auto ask = lease.plan(elapsed_ns, interval_ns);
    if (ask.want == 0 && ask.give_back == 0 && lease.connected()) continue;
    const auto& rate = lease.rate();
    b.commands.push_back({"EVAL", kLeaseScript, "1", settings.key_prefix + bucket.class_name,
                          decimal(static_cast<double>(rate.emission_ns) / 1000.0),
                          std::to_string(rate.burst), std::to_string(ask.want),
                          std::to_string(ask.give_back)});
    b.asked.push_back(bucket);
  }
  return b;
}

// Hands each asked bucket its grant (replies in command order). Throws on a reply that is not
// the script's (a Redis error reply: OOM, READONLY, ...).
void apply_grants(const Batch& b, const std::vector<upstream::RedisReply>& replies) {
  for (std::size_t k = 0; k < b.asked.size(); ++k) {
    auto& lease = *b.asked[k].lease;
    lease.granted(integer_at(replies[k], 0), integer_at(replies[k], 1),
                  integer_at(replies[k], 2) * 1000);
    lease.set_connected(true);
  }
}

}  // namespace

FleetQuotaSync::FleetQuotaSync(net::io_context& control, ratelimit::RateLimitState& state,
                               observability::Metrics& metrics)
    : control_(control), state_(state), metrics_(metrics), tick_(control) {}

FleetQuotaSync::~FleetQuotaSync() {
  stop();
}

std::optional<FleetQuotaSync::Plan> FleetQuotaSync::plan(const config::RateLimits& limits) {
  bool fleet = false;
  for (const auto& c : limits.classes) fleet = fleet || c.fleet.has_value();
  if (!fleet) return std::nullopt;
  Plan p;
  p.settings = limits.redis;
  std::string why;
  auto url = config::parse_redis_url(limits.redis.url, &why);
  if (!url) throw std::invalid_argument("rate_limits.redis.url: " + why);
  p.url = std::move(*url);
  if (p.url.tls) {
    boost::system::error_code ec;
    p.tls = upstream::make_client_tls_context(p.settings.ca_file, ec);
    if (ec)
      throw std::invalid_argument("rate_limits.redis.ca_file " + p.settings.ca_file + ": " +
                                  ec.message());
  }
  return p;
}

void FleetQuotaSync::install(std::optional<Plan> plan) {
  if (plan && current_ && running_ && plan->settings == current_->settings) return;
  stop();
  current_ = std::move(plan);
  if (!current_) {
    metrics_.fleet_quota_connected().Set(0);
    return;
  }
  running_ = std::make_shared<bool>(true);
  net::co_spawn(control_, run(running_, *current_), net::detached);
}

void FleetQuotaSync::stop() {
  if (running_) *running_ = false;
  running_.reset();
  tick_.cancel();
}

void FleetQuotaSync::wake() {
  wake_pending_.store(true);
  net::post(control_, [this] { tick_.cancel(); });
}

net::awaitable<void> FleetQuotaSync::run(std::shared_ptr<bool> running, Plan plan) {
  const auto interval = std::chrono::milliseconds(plan.settings.sync_interval_ms);
  const auto timeout = std::chrono::milliseconds(plan.settings.timeout_ms);
  const auto where = config::redacted_redis_url(plan.settings.url);
  std::unique_ptr<upstream::RedisConnection> redis;
  auto backoff = kFirstBackoff;
  bool up = false;         // the last exchange succeeded
  bool said_down = false;  // this outage has been logged
  auto last = Clock::now();
  auto last_exchange = last;
  auto wait = interval;
  // Any failure: fail open, drop the connection, try again after the backoff (100 ms, doubling
  // to 2 s) so a Redis that refuses every exchange (OOM, READONLY after a failover) is not
  // hammered; logged once per outage.
  const auto fail = [&](const std::string& why) {
    redis.reset();
    metrics_.fleet_quota_syncs(false).Increment();
    metrics_.fleet_quota_connected().Set(0);
    for (auto& b : state_.fleet_buckets()) b.lease->set_connected(false);
    if (!said_down)
      spdlog::warn(
          "fleet quotas: Redis {} unusable ({}); fleet limits are not applied until it "
          "answers again",
          where, why);
    said_down = true;
    up = false;
    wait = backoff;
    backoff = std::min(backoff * 2, kMaxBackoff);
  };
  while (*running) {
    wait = interval;
    std::string why;
    if (!redis) {
      auto opening = upstream::RedisConnection::open(plan.url, plan.tls.get(), timeout, &why);
      redis = co_await std::move(opening);
      if (!*running) break;
      if (!redis) fail(why);
    }
    if (redis) {
      const auto now = Clock::now();
      const auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(now - last).count();
      last = now;
      auto batch = lease_batch(state_.fleet_buckets(), plan.settings, elapsed,
                               std::chrono::nanoseconds(interval).count());
      if (batch.commands.empty() && now - last_exchange >= kIdlePing)
        batch.commands.push_back({"PING"});
      std::vector<upstream::RedisReply> replies;
      if (!batch.commands.empty()) {
        last_exchange = now;
        auto exchanging = redis->exchange(batch.commands, timeout, &why);
        replies = co_await std::move(exchanging);
        if (!*running) break;
      }
      try {
        if (replies.size() != batch.commands.size()) throw std::runtime_error(why);
        apply_grants(batch, replies);
        if (!batch.commands.empty()) metrics_.fleet_quota_syncs(true).Increment();
        metrics_.fleet_quota_connected().Set(1);
        if (!up) spdlog::info("fleet quotas: leasing from Redis {}", where);
        up = true;
        said_down = false;
        backoff = kFirstBackoff;
      } catch (const std::exception& e) {
        fail(e.what());
      }
    }
    // A wake while the exchange was under way found no wait to cut short: it counts now.
    if (wake_pending_.exchange(false) && up) continue;
    tick_.expires_after(wait);
    co_await tick_.async_wait(kToken);
    wake_pending_.store(false);
  }
}

}  // namespace smart_router::app
