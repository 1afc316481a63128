// Per-client buckets of every class, shared by every worker: a map from client key to GCRA
// state, split into shards with a mutex each so workers rarely meet on the same lock.
// Memory is bounded. As nginx's limit_req zone does, each new key first drops up to two
// least-recently-used buckets that have refilled (a full bucket says nothing a fresh one would
// not), and a shard at its share of max_keys evicts its least-recently-used bucket: a flood of
// made-up keys churns among itself and the oldest idle clients, never grows the table.
#pragma once

#include <atomic>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "smart_router/ratelimit/limiter.hpp"

namespace smart_router::ratelimit {

class ClientTable {
 public:
  static constexpr std::size_t kDefaultShards = 64;
  explicit ClientTable(std::size_t max_keys, std::size_t shards = kDefaultShards);

  // gcra_step on `key`'s bucket; a key not in the table has a full bucket.
  Decision check(std::string_view key, std::uint32_t cost, const Rate& rate, Nanos now);
  void refund(std::string_view key, std::uint32_t cost, const Rate& rate);

  // rate_limits.max_client_keys changed on reload; shards over it shrink as keys arrive.
  void set_max_keys(std::size_t max_keys);
  std::size_t size() const;  // keys held now (takes every shard's lock)
  std::uint64_t evicted() const { return evicted_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    std::string key;
    std::int64_t tat = 0;
  };
  struct alignas(64) Shard {
    mutable std::mutex mutex;
    std::list<Entry> lru;  // front = most recently used
    std::unordered_map<std::string_view, std::list<Entry>::iterator> index;  // views of Entry::key
  };

  Shard& shard_for(std::string_view key);
  void make_room(Shard& shard, std::int64_t now_ns);

  std::unique_ptr<Shard[]> shards_;
  std::size_t shard_count_;
  std::atomic<std::size_t> per_shard_cap_;
  std::atomic<std::uint64_t> evicted_{0};  // non-full buckets dropped for room
};

// One class's per-client policy over the shared table. Keys are prefixed with the policy's id,
// so classes never share a bucket and a changed limit starts on fresh buckets.
class ClientLimiter final : public Limiter {
 public:
  ClientLimiter(std::shared_ptr<ClientTable> table, const Rate& rate, std::uint32_t policy_id);

  Decision check(std::string_view key, std::uint32_t cost, Nanos now) override;
  void refund(std::string_view key, std::uint32_t cost) override;
  const Rate& rate() const override { return rate_; }

 private:
  const std::string& prefixed(std::string_view key) const;  // per-thread scratch

  std::shared_ptr<ClientTable> table_;
  Rate rate_;
  std::string prefix_;
};

}  // namespace smart_router::ratelimit
