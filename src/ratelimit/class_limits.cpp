#include "smart_router/ratelimit/class_limits.hpp"

namespace smart_router::ratelimit {
namespace {

Refusal refuse(const Policy& p, Scope scope, const Decision& d, const std::string& class_name) {
  if (p.refused != nullptr) p.refused->Increment();
  Refusal r;
  r.scope = scope;
  r.decision = d;
  r.headers = rate_limit_headers(p.name, d);
  // The draft: Retry-After is never earlier than the window's end (RateLimit's t).
  r.headers.insert(r.headers.begin(), ErrorHeader{"Retry-After", std::to_string(d.retry_after_s)});
  switch (scope) {
    case Scope::client:
      r.message = "rate limit per client of tier " + class_name + " exceeded";
      break;
    case Scope::fleet:
      r.message = "fleet-wide rate limit of tier " + class_name + " exceeded";
      break;
    default:
      r.message = "rate limit of tier " + class_name + " exceeded";
      break;
  }
  return r;
}

}  // namespace

std::optional<Refusal> ClassLimits::check(const RequestFacts& facts, Nanos now) const {
  thread_local std::string key;
  if (client) {
    client_key(key_source, facts, key);
    const Decision d = client->limiter->check(key, 1, now);
    if (!d.allowed) return refuse(*client, Scope::client, d, class_name);
  }
  if (class_wide) {
    const Decision d = class_wide->limiter->check({}, 1, now);
    if (!d.allowed) {
      if (client) client->limiter->refund(key, 1);
      return refuse(*class_wide, Scope::class_wide, d, class_name);
    }
  }
  if (fleet) {
    const Decision d = fleet->limiter->check({}, 1, now);
    if (!d.allowed) {
      if (client) client->limiter->refund(key, 1);
      if (class_wide) class_wide->limiter->refund({}, 1);
      return refuse(*fleet, Scope::fleet, d, class_name);
    }
  }
  return std::nullopt;
}

std::vector<ErrorHeader> rate_limit_headers(std::string_view policy, const Decision& d) {
  const std::uint32_t t = d.allowed ? d.reset_s : d.retry_after_s;
  // Appended, not `"\"" + std::string(policy)`: g++ 12 at -O3 (the Dockerfile's Release build)
  // reports a false -Wrestrict on that operator+ (GCC bug 105651).
  std::string name;
  name.reserve(policy.size() + 2);
  name += '"';
  name += policy;
  name += '"';
  return {
      {"RateLimit-Policy",
       name + ";q=" + std::to_string(d.limit) + ";w=" + std::to_string(d.window_s)},
      {"RateLimit", name + ";r=" + std::to_string(d.remaining) + ";t=" + std::to_string(t)},
  };
}

}  // namespace smart_router::ratelimit
