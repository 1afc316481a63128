// The rate limits of one tier class, compiled into a config snapshot: the class-wide bucket,
// the per-client policy, and their metric handles. check() is the whole of the admit phase's
// rate limiting.
#pragma once

#include <prometheus/counter.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "smart_router/common/error.hpp"
#include "smart_router/ratelimit/client_key.hpp"
#include "smart_router/ratelimit/limiter.hpp"

namespace smart_router::ratelimit {

struct Policy {
  std::shared_ptr<Limiter> limiter;
  std::string name;                        // in RateLimit-Policy / RateLimit: "LITE-class"
  prometheus::Counter* refused = nullptr;  // smart_router_rate_limited_total{user_tier,scope}
};

// A request a limit refused: what the 429 says.
struct Refusal {
  Scope scope = Scope::class_wide;
  Decision decision;
  std::vector<ErrorHeader> headers;  // Retry-After, RateLimit-Policy, RateLimit
  std::string message;               // for the JSON body
};

struct ClassLimits {
  std::string class_name;
  std::optional<Policy> class_wide;
  std::optional<Policy> client;
  std::optional<Policy> fleet;  // the class's bucket across every router (fleet_lease.hpp)
  KeySource key_source;         // client: how its key is made

  bool active() const { return class_wide.has_value() || client.has_value() || fleet.has_value(); }

  // Takes one token from the client's bucket, then the class's, then the fleet's; a request
  // refused by a later bucket gets the earlier ones' tokens back. The narrowest goes first so
  // that a client over its own limit never drains a bucket its whole class shares.
  std::optional<Refusal> check(const RequestFacts& facts, Nanos now) const;
};

// The two header fields of draft-ietf-httpapi-ratelimit-headers-11 (May 2026), structured
// fields: `RateLimit-Policy: "NAME";q=BURST;w=WINDOW` (the bucket holds q requests and refills
// completely in w seconds) and `RateLimit: "NAME";r=REMAINING;t=SECONDS`. A refused request's t
// is its Retry-After (the draft: Retry-After is never earlier than the window's end); an
// allowed one's is the time until the bucket is full again.
std::vector<ErrorHeader> rate_limit_headers(std::string_view policy, const Decision& d);

}  // namespace smart_router::ratelimit
