// rate_limits section: max_client_keys, per tier class a class-wide, a per-client and a
// fleet-wide token bucket, and the Redis that holds the fleet's.
#include <map>
#include <string>

#include "text.hpp"
#include "yaml_sections.hpp"

namespace smart_router::config::yaml {

namespace {

constexpr std::string_view kHeaderPrefix = "header:";

void load_rate(MapReader& m, RateLimit& out) {
  m.require("requests_per_second");
  m.read("requests_per_second", out.requests_per_second);
  m.read("burst", out.burst);
}

// "client_ip" | "jwt_subject" | "header:NAME"
void read_key(Reader& r, const Field& f, ClientRateLimit& out) {
  std::string s;
  if (!r.read(f, s)) return;
  if (s == "client_ip") {
    out.key = ClientKeyKind::client_ip;
  } else if (s == "jwt_subject") {
    out.key = ClientKeyKind::jwt_subject;
  } else if (s.starts_with(kHeaderPrefix) && is_http_token(s.substr(kHeaderPrefix.size()))) {
    out.key = ClientKeyKind::header;
    out.header = s.substr(kHeaderPrefix.size());
  } else if (s.starts_with(kHeaderPrefix)) {
    r.reject(f, "invalid header name " + quote(s.substr(kHeaderPrefix.size())) + " in " + quote(s));
  } else {
    r.bad_choice(f, s, {"client_ip", "jwt_subject", "header:NAME"});
  }
}

void load_class(Reader& r, const Field& f, ClassRateLimits& out) {
  MapReader m(r, f, {"class", "client", "fleet"});
  if (auto c = m.get("class")) {
    MapReader cm(r, *c, {"requests_per_second", "burst"});
    RateLimit rate;
    load_rate(cm, rate);
    if (cm.ok()) out.class_limit = rate;
  }
  if (auto c = m.get("client")) {
    MapReader cm(r, *c, {"key", "requests_per_second", "burst"});
    ClientRateLimit client;
    cm.require("key");
    if (auto key = cm.get("key")) read_key(r, *key, client);
    load_rate(cm, client.rate);
    if (cm.ok()) out.client = client;
  }
  if (auto c = m.get("fleet")) {
    MapReader cm(r, *c, {"requests_per_second", "burst"});
    RateLimit rate;
    load_rate(cm, rate);
    if (cm.ok()) out.fleet = rate;
  }
}

void load_redis(Reader& r, const Field& f, FleetRedis& out) {
  MapReader m(r, f, {"url", "sync_interval_ms", "timeout_ms", "key_prefix", "ca_file"});
  m.read("url", out.url);
  m.read("sync_interval_ms", out.sync_interval_ms);
  m.read("timeout_ms", out.timeout_ms);
  m.read("key_prefix", out.key_prefix);
  m.read("ca_file", out.ca_file);
}

}  // namespace

void load_rate_limits(Reader& r, const Field& f, RateLimits& out) {
  MapReader m(r, f, {"max_client_keys", "classes", "redis"});
  m.read("max_client_keys", out.max_client_keys);
  if (auto redis = m.get("redis")) load_redis(r, *redis, out.redis);
  const auto classes = m.get("classes");
  if (!classes) return;
  auto entries = r.entries(*classes);
  if (!entries) return;
  std::map<std::string, SourceMark> seen;
  for (auto e : *entries) {
    ClassRateLimits c;
    c.class_name = to_upper(e.key.Scalar());
    e.path = classes->path + "." + c.class_name;  // messages name the class as tiers do
    if (const auto first = seen.find(c.class_name); first != seen.end()) {
      // Reported here: a second entry's values would share the first one's paths.
      r.error(e.key_mark(),
              e.path + ": class " + quote(c.class_name) + " is listed twice (first at line " +
                  std::to_string(first->second.line) + ", column " +
                  std::to_string(first->second.column) + "; class names are case-insensitive)");
      continue;
    }
    seen.emplace(c.class_name, e.key_mark());
    r.note(e);
    load_class(r, e, c);
    out.classes.push_back(std::move(c));
  }
}

}  // namespace smart_router::config::yaml
