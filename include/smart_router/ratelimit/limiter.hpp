// One rate-limit policy's buckets behind one interface, so the router can hold a local bucket
// (class_bucket.hpp), a table of per-client buckets (client_table.hpp) or, later, a
// Redis-backed fleet limiter alike. check() is on the request path: it must not block. A fleet
// implementation answers from local state and settles with Redis in the background (or the
// pipeline grows an awaitable check for it); either way it speaks in the same Decision.
#pragma once

#include <cstdint>
#include <string_view>

#include "smart_router/ratelimit/gcra.hpp"

namespace smart_router::ratelimit {

// Label `scope` of smart_router_rate_limited_total.
enum class Scope : std::uint8_t { class_wide, client, fleet, kCount };
std::string_view scope_name(Scope s);  // "class" | "client" | "fleet"

class Limiter {
 public:
  virtual ~Limiter() = default;
  // Takes `cost` tokens for `key` when they are there; a refused request takes nothing.
  // `key` is empty for a class-wide bucket.
  virtual Decision check(std::string_view key, std::uint32_t cost, Nanos now) = 0;
  // Gives back what an allowed check() took, when a later limit refused the request.
  virtual void refund(std::string_view key, std::uint32_t cost) = 0;
  virtual const Rate& rate() const = 0;
};

}  // namespace smart_router::ratelimit
