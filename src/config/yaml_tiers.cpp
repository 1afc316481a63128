// tiers section: header, default, trust, classes.
#include "smart_router/config/defaults.hpp"
#include "smart_router/config/enums.hpp"
#include "text.hpp"
#include "yaml_sections.hpp"

namespace smart_router::config::yaml {

namespace {

void load_jwt(Reader& r, const Field& f, JwtTrust& out) {
  MapReader m(r, f,
              {"header", "claim", "algorithms", "hs256_secret_env", "public_key_file", "issuer",
               "audience", "jwks_url", "jwks_refresh_s", "jwks_min_refresh_s", "jwks_ca_file"});
  m.read("header", out.header);
  m.read("claim", out.claim);
  m.read("algorithms", out.algorithms);
  m.read("hs256_secret_env", out.hs256_secret_env);
  m.read("public_key_file", out.public_key_file);
  m.read("issuer", out.issuer);
  m.read("audience", out.audience);
  m.read("jwks_url", out.jwks_url);
  m.read("jwks_refresh_s", out.jwks_refresh_s);
  m.read("jwks_min_refresh_s", out.jwks_min_refresh_s);
  m.read("jwks_ca_file", out.jwks_ca_file);
}

void load_trust(Reader& r, const Field& f, Trust& out) {
  MapReader m(r, f, {"mode", "trusted_cidrs", "jwt", "on_untrusted"});
  m.read_enum("mode", out.mode, parse_trust_mode, trust_mode_names());
  m.read("trusted_cidrs", out.trusted_cidrs);
  if (auto jwt = m.get("jwt")) load_jwt(r, *jwt, out.jwt);
  m.read_enum("on_untrusted", out.on_untrusted, parse_fallback_policy, fallback_policy_names());
}

void load_hedge(Reader& r, const Field& f, Hedge& out) {
  MapReader m(r, f, {"delay_ms", "min_delay_ms", "max_hedges"});
  m.read("delay_ms", out.delay_ms);
  m.read("min_delay_ms", out.min_delay_ms);
  m.read("max_hedges", out.max_hedges);
}

void load_class(Reader& r, const Field& f, TierClass& out) {
  MapReader m(r, f,
              {"pool", "priority", "latency_budget_ms", "timeout_ms", "shed_at_percent",
               "per_try_timeout_ms", "hedge"});
  m.require("pool");
  m.read("pool", out.pool);
  m.read("priority", out.priority);
  m.read("latency_budget_ms", out.latency_budget_ms);
  m.read("timeout_ms", out.timeout_ms);
  m.read("shed_at_percent", out.shed_at_percent);
  m.read("per_try_timeout_ms", out.per_try_timeout_ms);
  if (auto hedge = m.get("hedge")) load_hedge(r, *hedge, out.hedge.emplace());
}

void load_classes(Reader& r, const Field& f, std::vector<TierClass>& out,
                  std::vector<FieldMarks>& marks) {
  auto entries = r.entries(f);
  if (!entries) return;
  FieldMarks& file_marks = r.marks();
  for (const auto& e : *entries) {
    TierClass c;
    c.name = to_upper(e.key.Scalar());
    c.mark = e.key_mark();
    FieldMarks fm = FieldMarks::entry(e.path, c.mark);
    r.set_marks(fm);
    load_class(r, e, c);
    r.set_marks(file_marks);
    out.push_back(std::move(c));
    marks.push_back(std::move(fm));
  }
}

}  // namespace

void load_tiers(Reader& r, const Field& f, Tiers& out, std::vector<FieldMarks>& class_marks) {
  MapReader m(r, f, {"header", "default", "on_unknown", "trust", "classes", "routing_enabled"});
  m.read("header", out.header);
  if (m.read("default", out.default_tier)) out.default_tier = to_upper(out.default_tier);
  m.read_enum("on_unknown", out.on_unknown, parse_fallback_policy, fallback_policy_names());
  m.read("routing_enabled", out.routing_enabled);
  if (auto trust = m.get("trust")) load_trust(r, *trust, out.trust);
  if (auto classes = m.get("classes")) {
    load_classes(r, *classes, out.classes, class_marks);
  } else if (m.ok()) {
    out.classes = default_tier_classes();
    for (const auto& c : out.classes)
      class_marks.push_back(FieldMarks::entry("tiers.classes." + c.name, {}, true));
  }
}

}  // namespace smart_router::config::yaml
