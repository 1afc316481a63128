#include "smart_router/ratelimit/client_table.hpp"

#include <algorithm>
#include <functional>

namespace smart_router::ratelimit {
namespace {

std::size_t share(std::size_t max_keys, std::size_t shards) {
  return std::max<std::size_t>(1, (max_keys + shards - 1) / shards);
}

}  // namespace

ClientTable::ClientTable(std::size_t max_keys, std::size_t shards)
    : shards_(std::make_unique<Shard[]>(std::max<std::size_t>(1, shards))),
      shard_count_(std::max<std::size_t>(1, shards)),
      per_shard_cap_(share(max_keys, shard_count_)) {}

void ClientTable::set_max_keys(std::size_t max_keys) {
  per_shard_cap_.store(share(max_keys, shard_count_), std::memory_order_relaxed);
}

ClientTable::Shard& ClientTable::shard_for(std::string_view key) {
  return shards_[std::hash<std::string_view>{}(key) % shard_count_];
}

void ClientTable::make_room(Shard& shard, std::int64_t now_ns) {
  // Up to two refilled buckets go for free (what nginx's limit_req does per request), so the
  // table tracks the clients that are busy now rather than everyone seen since the start.
  for (int i = 0; i < 2 && !shard.lru.empty() && gcra_full(shard.lru.back().tat, now_ns); ++i) {
    shard.index.erase(shard.lru.back().key);
    shard.lru.pop_back();
  }
  const std::size_t cap = per_shard_cap_.load(std::memory_order_relaxed);
  while (!shard.lru.empty() && shard.lru.size() >= cap) {
    if (!gcra_full(shard.lru.back().tat, now_ns)) evicted_.fetch_add(1, std::memory_order_relaxed);
    shard.index.erase(shard.lru.back().key);
    shard.lru.pop_back();
  }
}

Decision ClientTable::check(std::string_view key, std::uint32_t cost, const Rate& rate, Nanos now) {
  const std::int64_t now_ns = now.count();
  Shard& shard = shard_for(key);
  const std::lock_guard lock(shard.mutex);
  if (const auto it = shard.index.find(key); it != shard.index.end()) {
    Entry& e = *it->second;
    const Step s = gcra_step(e.tat, now_ns, cost, rate);
    e.tat = s.tat;
    shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
    return s.decision;
  }
  const Step s = gcra_step(now_ns, now_ns, cost, rate);  // a new key's bucket is full
  if (!s.decision.allowed) return s.decision;            // cost > burst: nothing to remember
  make_room(shard, now_ns);
  shard.lru.push_front(Entry{std::string(key), s.tat});
  shard.index.emplace(shard.lru.front().key, shard.lru.begin());
  return s.decision;
}

void ClientTable::refund(std::string_view key, std::uint32_t cost, const Rate& rate) {
  Shard& shard = shard_for(key);
  const std::lock_guard lock(shard.mutex);
  if (const auto it = shard.index.find(key); it != shard.index.end())
    it->second->tat -= static_cast<std::int64_t>(cost) * rate.emission_ns;
}

std::size_t ClientTable::size() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    const std::lock_guard lock(shards_[i].mutex);
    n += shards_[i].lru.size();
  }
  return n;
}

ClientLimiter::ClientLimiter(std::shared_ptr<ClientTable> table, const Rate& rate,
                             std::uint32_t policy_id)
    : table_(std::move(table)), rate_(rate) {
  prefix_.assign(reinterpret_cast<const char*>(&policy_id), sizeof policy_id);
}

const std::string& ClientLimiter::prefixed(std::string_view key) const {
  thread_local std::string scratch;
  scratch.assign(prefix_);
  scratch.append(key);
  return scratch;
}

Decision ClientLimiter::check(std::string_view key, std::uint32_t cost, Nanos now) {
  return table_->check(prefixed(key), cost, rate_, now);
}

void ClientLimiter::refund(std::string_view key, std::uint32_t cost) {
  table_->refund(prefixed(key), cost, rate_);
}

}  // namespace smart_router::ratelimit
