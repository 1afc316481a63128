// tiers checks: header, default class, classes, trust (CIDRs, JWT). CIDR and JWT rules follow
// what the tier module accepts at runtime (tier::Cidr, tier::JwtVerifier).
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <cctype>
#include <set>

#include "smart_router/config/host_port.hpp"
#include "text.hpp"
#include "validation.hpp"

namespace smart_router::config {

namespace {

bool valid_class_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_') return false;
  return true;
}

bool valid_env_name(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s.front())) != 0) return false;
  for (char c : s)
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_') return false;
  return true;
}

}  // namespace

std::string cidr_problem(const std::string& s) {
  namespace ip = boost::asio::ip;
  if (s.find('%') != std::string::npos) return "scope ids (%...) are not allowed";
  const bool v6 = s.find(':') != std::string::npos;
  boost::system::error_code ec;
  if (s.find('/') == std::string::npos) {
    (void)ip::make_address(s, ec);
    if (ec) return v6 ? "not an IPv6 address" : "not an IPv4 address";
    return {};
  }
  std::string address, network, canonical;
  if (v6) {
    const auto net = ip::make_network_v6(s, ec);
    if (ec) return "not an IPv6 address/prefix with prefix 0..128";
    address = net.address().to_string();
    network = net.network().to_string();
    canonical = net.canonical().to_string();
  } else {
    const auto net = ip::make_network_v4(s, ec);
    if (ec) return "not an IPv4 address/prefix with prefix 0..32";
    address = net.address().to_string();
    network = net.network().to_string();
    canonical = net.canonical().to_string();
  }
  if (address != network)
    return "host bits are set after the prefix (did you mean " + canonical + "?)";
  return {};
}

void check_cidrs(Validation& v, const std::string& path, const std::vector<std::string>& cidrs) {
  for (std::size_t i = 0; i < cidrs.size(); ++i) {
    const std::string problem = cidr_problem(cidrs[i]);
    if (!problem.empty())
      v.error(path + "[" + std::to_string(i) + "]",
              "invalid CIDR " + quote(cidrs[i]) + ": " + problem);
  }
}

namespace {

constexpr std::size_t kMaxDistinctPriorities = 16;

// A delay that is not below timeout_ms could never act: the request is over by then.
void below_timeout(Validation& v, const FieldMarks& m, const std::string& path, std::uint32_t ms,
                   const TierClass& c, std::string_view what) {
  if (ms >= c.timeout_ms)
    v.error(m, path,
            "must be below timeout_ms (" + std::to_string(c.timeout_ms) + ")" + std::string(what) +
                ", got " + std::to_string(ms));
}

void validate_resilience(Validation& v, const FieldMarks& m, const TierClass& c) {
  if (c.per_try_timeout_ms > 0)
    below_timeout(v, m, m.path + ".per_try_timeout_ms", c.per_try_timeout_ms, c,
                  " to leave time for a retry (0 turns it off)");
  if (!c.hedge) return;
  const std::string base = m.path + ".hedge";
  if (c.hedge->delay_ms > 0)
    below_timeout(v, m, base + ".delay_ms", c.hedge->delay_ms, c, " (0 = auto)");
  if (v.positive(m, base + ".min_delay_ms", c.hedge->min_delay_ms))
    below_timeout(v, m, base + ".min_delay_ms", c.hedge->min_delay_ms, c, "");
  v.in_range(m, base + ".max_hedges", c.hedge->max_hedges, 1, 3);
}

void validate_classes(Validation& v) {
  const auto& classes = v.config.tiers.classes;
  if (classes.empty()) {
    v.error("tiers.classes", "at least one class is required");
    return;
  }
  for (std::size_t i = 0; i < classes.size(); ++i) {
    const TierClass& c = classes[i];
    const FieldMarks& m = v.marks.classes[i];
    if (!valid_class_name(c.name))
      v.error(m, m.path, "class names may only contain letters, digits, '-' and '_'");
    for (std::size_t j = 0; j < i; ++j) {
      if (classes[j].name == c.name) {
        v.error(m, m.path,
                "duplicate class " + quote(c.name) +
                    " (class names are case-insensitive; first defined at " +
                    v.line_col(v.marks.classes[j].self) + ")");
        break;
      }
    }
    if (!v.failed(m, m.path + ".pool")) v.pool_exists(m, m.path + ".pool", c.pool);
    v.positive(m, m.path + ".latency_budget_ms", c.latency_budget_ms);
    v.positive(m, m.path + ".timeout_ms", c.timeout_ms);
    v.in_range(m, m.path + ".shed_at_percent", c.shed_at_percent, 1, 100);
    validate_resilience(v, m, c);
  }
  // Admission keeps one counter per priority value (overload/priority_levels.hpp).
  std::set<int> priorities;
  for (const auto& c : classes) priorities.insert(c.priority);
  if (priorities.size() > kMaxDistinctPriorities)
    v.error("tiers.classes", "at most " + std::to_string(kMaxDistinctPriorities) +
                                 " distinct priorities, got " + std::to_string(priorities.size()));
}

void validate_jwks(Validation& v, const JwtTrust& j, bool public_key_algorithms) {
  std::string why;
  if (!parse_https_url(j.jwks_url, &why))
    v.error("tiers.trust.jwt.jwks_url", "invalid URL " + quote(j.jwks_url) + ": " + why);
  if (!j.public_key_file.empty())
    v.error("tiers.trust.jwt.public_key_file",
            "set either public_key_file or jwks_url, not both (the JWKS holds the keys)");
  if (!public_key_algorithms)
    v.error("tiers.trust.jwt.algorithms", "jwks_url needs RS* or ES* algorithms listed");
  const auto& f = v.marks.file;
  v.in_range(f, "tiers.trust.jwt.jwks_refresh_s", j.jwks_refresh_s, 1, 86400);
  v.in_range(f, "tiers.trust.jwt.jwks_min_refresh_s", j.jwks_min_refresh_s, 1, 3600);
  if (!j.jwks_ca_file.empty()) v.readable_file(f, "tiers.trust.jwt.jwks_ca_file", j.jwks_ca_file);
}

void validate_jwt(Validation& v, const Trust& t) {
  const JwtTrust& j = t.jwt;
  if (!is_http_token(j.header))
    v.error("tiers.trust.jwt.header", "invalid header name " + quote(j.header));
  if (j.claim.empty()) v.error("tiers.trust.jwt.claim", "must not be empty");
  bool hmac = false, rsa = false, ec = false;
  for (std::size_t i = 0; i < j.algorithms.size(); ++i) {
    const std::string a = to_upper(j.algorithms[i]);
    const std::string path = "tiers.trust.jwt.algorithms[" + std::to_string(i) + "]";
    const bool size_ok =
        a.size() == 5 && (a.ends_with("256") || a.ends_with("384") || a.ends_with("512"));
    if (size_ok && a.starts_with("HS")) {
      hmac = true;
    } else if (size_ok && a.starts_with("RS")) {
      rsa = true;
    } else if (size_ok && a.starts_with("ES")) {
      ec = true;
    } else if (a == "NONE") {
      v.error(path, "\"none\" (unsigned tokens) is not allowed");
    } else {
      v.error(path, "unsupported algorithm " + quote(j.algorithms[i]) +
                        " (supported: HS256, RS256, ES256 and their 384/512 variants)");
    }
  }
  if (t.mode != TrustMode::jwt) return;
  if (j.algorithms.empty()) v.error("tiers.trust.jwt.algorithms", "at least one is required");
  if (rsa && ec && j.jwks_url.empty())
    v.error("tiers.trust.jwt.algorithms",
            "RS* and ES* need different keys, but there is one public_key_file (a jwks_url can "
            "serve both)");
  if (hmac && !valid_env_name(j.hs256_secret_env))
    v.error("tiers.trust.jwt.hs256_secret_env",
            "HS* needs the name of the environment variable holding the secret, got " +
                quote(j.hs256_secret_env));
  if (!j.jwks_url.empty()) {
    validate_jwks(v, j, rsa || ec);
  } else if (rsa || ec) {
    if (j.public_key_file.empty())
      v.error("tiers.trust.jwt.public_key_file",
              "RS*/ES* need a PEM public key file or a jwks_url");
    else
      v.readable_file(v.marks.file, "tiers.trust.jwt.public_key_file", j.public_key_file);
  }
}

void validate_trust(Validation& v) {
  const Trust& t = v.config.tiers.trust;
  check_cidrs(v, "tiers.trust.trusted_cidrs", t.trusted_cidrs);
  if (t.mode == TrustMode::trusted_peers && t.trusted_cidrs.empty())
    v.error("tiers.trust.trusted_cidrs",
            "mode trusted_peers needs at least one CIDR (otherwise no peer is trusted)");
  validate_jwt(v, t);
}

}  // namespace

void validate_tiers(Validation& v) {
  const Tiers& t = v.config.tiers;
  if (!is_http_token(t.header)) v.error("tiers.header", "invalid header name " + quote(t.header));
  validate_classes(v);
  if (!t.classes.empty() && !v.failed(v.marks.file, "tiers.classes") &&
      !v.class_exists(t.default_tier)) {
    v.error("tiers.default",
            "unknown class " + quote(t.default_tier) + " (known: " + v.class_names() + ")");
  }
  validate_trust(v);
}

}  // namespace smart_router::config
