#include "smart_router/tier/tier_classifier.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <new>
#include <stdexcept>

#include "jwt_test_support.hpp"
#include "smart_router/observability/metrics.hpp"

// Counts heap allocations made on this thread while `g_counting` is set (the test binary
// replaces the global operator new; everything else behaves as usual).
namespace {
thread_local bool g_counting = false;
thread_local std::size_t g_allocations = 0;
}  // namespace

void* operator new(std::size_t size) {
  if (g_counting) ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// noinline: inlined into callers, GCC would see new paired with free() and warn.
[[gnu::noinline]] void operator delete(void* p) noexcept {
  std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

using smart_router::config::FallbackPolicy;
using smart_router::config::TierClass;
using smart_router::config::Tiers;
using smart_router::config::TrustMode;
using smart_router::tier::TierClassifier;
using smart_router::tier::TierDecision;
using smart_router::tier::TierInputs;
using smart_router::tier::TierOutcome;
using tier_test::env_with;
using tier_test::sign;

const std::string kSecret = "0123456789abcdef0123456789abcdef";

// The contract's six classes, in its order: LITE=0 PRO=1 ELITE=2 BLACK=3 OBSIDIAN=4 VOID=5.
Tiers contract_tiers() {
  Tiers t;
  for (const char* name : {"LITE", "PRO", "ELITE", "BLACK", "OBSIDIAN", "VOID"}) {
    TierClass c;
    c.name = name;
    c.pool = (std::string(name) == "LITE" || std::string(name) == "PRO") ? "shared" : "premium";
    t.classes.push_back(c);
  }
  return t;
}

constexpr std::size_t LITE = 0, PRO = 1, ELITE = 2, BLACK = 3, VOID_ = 5;

TierInputs in(std::optional<std::string_view> tier, const char* peer = "192.0.2.1",
              std::optional<std::string_view> jwt = std::nullopt) {
  return TierInputs{tier, jwt, boost::asio::ip::make_address(peer)};
}

// The header on two field lines, the first of them `first`.
TierInputs repeated(std::string_view first, const char* peer = "192.0.2.1") {
  TierInputs i = in(first, peer);
  i.tier_header_repeated = true;
  return i;
}

TierClassifier make(const Tiers& t) {
  return TierClassifier(t, env_with({{"TIER_JWT_SECRET", kSecret}}));
}

void expect_ok(const TierDecision& d, std::size_t cls, bool downgraded) {
  EXPECT_EQ(d.outcome, TierOutcome::ok);
  EXPECT_EQ(d.class_index, cls);
  EXPECT_EQ(d.downgraded, downgraded);
}

TEST(TierClassifier, HeaderValuesAreCaseInsensitive) {
  const TierClassifier c = make(contract_tiers());
  for (const char* v : {"ELITE", "elite", "Elite", "eLiTe", " elite "}) {
    SCOPED_TRACE(v);
    expect_ok(c.classify(in(v)), ELITE, false);
  }
  expect_ok(c.classify(in("void")), VOID_, false);
  expect_ok(c.classify(in("Pro")), PRO, false);
}

TEST(TierClassifier, MissingOrEmptyHeaderIsTheDefault) {
  const TierClassifier c = make(contract_tiers());
  expect_ok(c.classify(in(std::nullopt)), LITE, false);
  expect_ok(c.classify(in("")), LITE, false);
  expect_ok(c.classify(in("  ")), LITE, false);
}

TEST(TierClassifier, DefaultIsConfigurable) {
  Tiers t = contract_tiers();
  t.default_tier = "pro";
  const TierClassifier c = make(t);
  EXPECT_EQ(c.default_class(), PRO);
  expect_ok(c.classify(in(std::nullopt)), PRO, false);
}

TEST(TierClassifier, UnknownTierFallsBackToDefault) {
  const TierClassifier c = make(contract_tiers());
  expect_ok(c.classify(in("GOLD")), LITE, true);
  expect_ok(c.classify(in("ELITE2")), LITE, true);
  expect_ok(c.classify(in("ELIT")), LITE, true);
}

TEST(TierClassifier, UnknownTierRejected) {
  Tiers t = contract_tiers();
  t.on_unknown = FallbackPolicy::reject;
  const TierClassifier c = make(t);
  EXPECT_EQ(c.classify(in("GOLD")).outcome, TierOutcome::unknown_tier);
  expect_ok(c.classify(in("elite")), ELITE, false);
  expect_ok(c.classify(in(std::nullopt)), LITE, false);  // no claim is not an unknown claim
}

TEST(TierClassifier, RepeatedHeaderIsAnUnknownTierWhateverItsValues) {
  // "LITE" then "ELITE": one list "LITE, ELITE", which names no class. Neither value wins.
  Tiers t = contract_tiers();
  expect_ok(make(t).classify(repeated("ELITE")), LITE, true);
  expect_ok(make(t).classify(repeated("LITE")), LITE, true);
  expect_ok(make(t).classify(repeated("")), LITE, true);
  t.on_unknown = FallbackPolicy::reject;
  EXPECT_EQ(make(t).classify(repeated("ELITE")).outcome, TierOutcome::unknown_tier);
  EXPECT_EQ(make(t).classify(repeated("LITE")).outcome, TierOutcome::unknown_tier);
}

TEST(TierClassifier, RoutingDisabledIgnoresEverything) {
  Tiers t = contract_tiers();
  t.routing_enabled = false;
  t.on_unknown = FallbackPolicy::reject;
  t.trust.on_untrusted = FallbackPolicy::reject;
  const TierClassifier c = make(t);
  expect_ok(c.classify(in("ELITE")), LITE, false);
  expect_ok(c.classify(in("GOLD")), LITE, false);

  t.trust.mode = TrustMode::jwt;
  const TierClassifier j = make(t);
  expect_ok(j.classify(in("VOID", "192.0.2.1", "Bearer garbage")), LITE, false);
}

TEST(TierClassifier, FindClassIsCaseInsensitive) {
  const TierClassifier c = make(contract_tiers());
  EXPECT_EQ(c.find_class("obsidian"), std::optional<std::size_t>(4));
  EXPECT_EQ(c.find_class("LITE"), std::optional<std::size_t>(0));
  EXPECT_EQ(c.find_class("LIT"), std::nullopt);
  EXPECT_EQ(c.find_class(""), std::nullopt);
}

TEST(TierClassifier, ClassNamesInConfigAreCompared) {
  Tiers t = contract_tiers();
  t.classes[BLACK].name = "Black";  // the loader upper-cases; the classifier does not rely on it
  const TierClassifier c = make(t);
  expect_ok(c.classify(in("BLACK")), BLACK, false);
}

TEST(TierClassifier, ConstructorRejectsBadConfig) {
  Tiers t = contract_tiers();
  t.default_tier = "GOLD";
  EXPECT_THROW(make(t), std::invalid_argument);
  t = contract_tiers();
  t.classes.clear();
  EXPECT_THROW(make(t), std::invalid_argument);
  t = contract_tiers();
  t.classes[1].name = "lite";
  EXPECT_THROW(make(t), std::invalid_argument);
  t = contract_tiers();
  t.trust.trusted_cidrs = {"not-a-cidr"};
  EXPECT_THROW(make(t), std::invalid_argument);
}

Tiers peers_tiers(FallbackPolicy on_untrusted) {
  Tiers t = contract_tiers();
  t.trust.mode = TrustMode::trusted_peers;
  t.trust.trusted_cidrs = {"10.0.0.0/8", "fd00::/8"};
  t.trust.on_untrusted = on_untrusted;
  return t;
}

TEST(TierClassifier, TrustedPeersDowngradeUntrusted) {
  const TierClassifier c = make(peers_tiers(FallbackPolicy::use_default));
  expect_ok(c.classify(in("ELITE", "10.0.0.7")), ELITE, false);
  expect_ok(c.classify(in("ELITE", "::ffff:10.0.0.7")), ELITE, false);
  expect_ok(c.classify(in("ELITE", "fd00::7")), ELITE, false);
  expect_ok(c.classify(in("ELITE", "203.0.113.9")), LITE, true);
  expect_ok(c.classify(in("ELITE", "2001:db8::9")), LITE, true);
  expect_ok(c.classify(in(std::nullopt, "203.0.113.9")), LITE, false);
}

TEST(TierClassifier, TrustedPeersRejectUntrusted) {
  const TierClassifier c = make(peers_tiers(FallbackPolicy::reject));
  EXPECT_EQ(c.classify(in("ELITE", "203.0.113.9")).outcome, TierOutcome::unauthorized);
  EXPECT_EQ(c.classify(in("GOLD", "203.0.113.9")).outcome, TierOutcome::unauthorized);
  expect_ok(c.classify(in("ELITE", "10.0.0.7")), ELITE, false);
  // No claim at all is not unauthorized.
  expect_ok(c.classify(in(std::nullopt, "203.0.113.9")), LITE, false);
}

TEST(TierClassifier, RepeatedHeaderFromPeers) {
  Tiers t = peers_tiers(FallbackPolicy::use_default);
  expect_ok(make(t).classify(repeated("ELITE", "10.0.0.7")), LITE, true);     // on_unknown
  expect_ok(make(t).classify(repeated("ELITE", "203.0.113.9")), LITE, true);  // on_untrusted
  t.on_unknown = FallbackPolicy::reject;
  EXPECT_EQ(make(t).classify(repeated("ELITE", "10.0.0.7")).outcome, TierOutcome::unknown_tier);
  t.trust.on_untrusted = FallbackPolicy::reject;
  // Not a claim of the default class, even when its first line says LITE.
  EXPECT_EQ(make(t).classify(repeated("LITE", "203.0.113.9")).outcome, TierOutcome::unauthorized);
}

TEST(TierClassifier, ClaimingTheDefaultNeedsNoProof) {
  const TierClassifier c = make(peers_tiers(FallbackPolicy::reject));
  expect_ok(c.classify(in("lite", "203.0.113.9")), LITE, false);
}

TEST(TierClassifier, TrustedPeerNamingUnknownTierUsesOnUnknown) {
  Tiers t = peers_tiers(FallbackPolicy::reject);
  expect_ok(make(t).classify(in("GOLD", "10.0.0.7")), LITE, true);
  t.on_unknown = FallbackPolicy::reject;
  EXPECT_EQ(make(t).classify(in("GOLD", "10.0.0.7")).outcome, TierOutcome::unknown_tier);
}

Tiers jwt_tiers(FallbackPolicy on_untrusted) {
  Tiers t = contract_tiers();
  t.trust.mode = TrustMode::jwt;
  t.trust.on_untrusted = on_untrusted;
  return t;
}

TEST(TierClassifier, JwtClaimDecides) {
  const TierClassifier c = make(jwt_tiers(FallbackPolicy::reject));
  const std::string tok = "Bearer " + sign("HS256", kSecret, {{"tier", "black"}});
  expect_ok(c.classify(in(std::nullopt, "192.0.2.1", tok)), BLACK, false);
  expect_ok(c.classify(in("VOID", "192.0.2.1", tok)), BLACK, false);  // header ignored
}

TEST(TierClassifier, JwtInvalidTokenIsUntrusted) {
  const std::string expired = sign("HS256", kSecret, {{"tier", "VOID"}}, -30);
  const std::string forged = sign("HS256", "not-the-secret-not-the-secret-!!", {{"tier", "VOID"}});
  const TierClassifier soft = make(jwt_tiers(FallbackPolicy::use_default));
  expect_ok(soft.classify(in(std::nullopt, "192.0.2.1", expired)), LITE, true);
  expect_ok(soft.classify(in(std::nullopt, "192.0.2.1", forged)), LITE, true);
  const TierClassifier hard = make(jwt_tiers(FallbackPolicy::reject));
  EXPECT_EQ(hard.classify(in(std::nullopt, "192.0.2.1", expired)).outcome,
            TierOutcome::unauthorized);
  EXPECT_EQ(hard.classify(in(std::nullopt, "192.0.2.1", forged)).outcome,
            TierOutcome::unauthorized);
}

TEST(TierClassifier, JwtModeSpoofedHeaderIsUntrusted) {
  expect_ok(make(jwt_tiers(FallbackPolicy::use_default)).classify(in("ELITE")), LITE, true);
  EXPECT_EQ(make(jwt_tiers(FallbackPolicy::reject)).classify(in("ELITE")).outcome,
            TierOutcome::unauthorized);
}

TEST(TierClassifier, JwtMissingIsTheDefaultNotUnauthorized) {
  const TierClassifier c = make(jwt_tiers(FallbackPolicy::reject));
  expect_ok(c.classify(in(std::nullopt)), LITE, false);
  const std::string no_claim = sign("HS256", kSecret, {{"sub", "user-1"}});
  expect_ok(c.classify(in(std::nullopt, "192.0.2.1", no_claim)), LITE, false);
}

TEST(TierClassifier, JwtUnknownOrMalformedClaimUsesOnUnknown) {
  Tiers t = jwt_tiers(FallbackPolicy::reject);
  const std::string gold = sign("HS256", kSecret, {{"tier", "GOLD"}});
  const std::string number = sign("HS256", kSecret, {{"tier", 7}});
  expect_ok(make(t).classify(in(std::nullopt, "192.0.2.1", gold)), LITE, true);
  expect_ok(make(t).classify(in(std::nullopt, "192.0.2.1", number)), LITE, true);
  t.on_unknown = FallbackPolicy::reject;
  EXPECT_EQ(make(t).classify(in(std::nullopt, "192.0.2.1", gold)).outcome,
            TierOutcome::unknown_tier);
  EXPECT_EQ(make(t).classify(in(std::nullopt, "192.0.2.1", number)).outcome,
            TierOutcome::unknown_tier);
}

TEST(TierClassifier, JwtSubjectOnlyFromAVerifiedToken) {
  const TierClassifier c = make(jwt_tiers(FallbackPolicy::use_default));
  const std::string good = sign("HS256", kSecret, {{"tier", "PRO"}, {"sub", "user-7"}});
  EXPECT_EQ(c.classify(in(std::nullopt, "192.0.2.1", good)).jwt_subject, "user-7");
  // Verified, without a tier claim, beside an unproven tier header: the subject still counts.
  const std::string no_tier = sign("HS256", kSecret, {{"sub", "user-8"}});
  EXPECT_EQ(c.classify(in("ELITE", "192.0.2.1", no_tier)).jwt_subject, "user-8");
  const std::string forged =
      sign("HS256", "not-the-secret-not-the-secret-!!", {{"tier", "PRO"}, {"sub", "user-7"}});
  EXPECT_EQ(c.classify(in(std::nullopt, "192.0.2.1", forged)).jwt_subject, "");
  const std::string expired = sign("HS256", kSecret, {{"sub", "user-7"}}, -30);
  EXPECT_EQ(c.classify(in(std::nullopt, "192.0.2.1", expired)).jwt_subject, "");
  const std::string numeric = sign("HS256", kSecret, {{"sub", 42}});
  EXPECT_EQ(c.classify(in(std::nullopt, "192.0.2.1", numeric)).jwt_subject, "");
  EXPECT_EQ(make(contract_tiers()).classify(in("PRO")).jwt_subject, "") << "header mode";
}

// ---- smart_router_tier_downgrades_total -------------------------------------------------------

double downgrades(smart_router::observability::Metrics& m, const char* claimed,
                  const char* reason) {
  return m.tier_downgrades(claimed, reason).Value();
}

TEST(TierClassifier, CountsUntrustedClaimsByTheClassClaimed) {
  smart_router::observability::Metrics m;
  const TierClassifier c(peers_tiers(FallbackPolicy::use_default), env_with({}), &m);
  c.classify(in("ELITE", "203.0.113.9"));
  c.classify(in("elite", "203.0.113.9"));
  c.classify(in("VOID", "203.0.113.9"));
  c.classify(in("ELITE", "10.0.0.7"));          // trusted: honoured, not counted
  c.classify(in("LITE", "203.0.113.9"));        // the default needs no proof
  c.classify(in(std::nullopt, "203.0.113.9"));  // no claim
  EXPECT_EQ(downgrades(m, "ELITE", "untrusted"), 2);
  EXPECT_EQ(downgrades(m, "VOID", "untrusted"), 1);
  EXPECT_EQ(downgrades(m, "LITE", "untrusted"), 0);
  EXPECT_EQ(downgrades(m, "unknown", "untrusted"), 0);
  EXPECT_EQ(downgrades(m, "unknown", "unknown_tier"), 0);
}

// A value that names no class never becomes a label of its own.
TEST(TierClassifier, CountsClaimsOfNoClassAsUnknown) {
  smart_router::observability::Metrics m;
  const TierClassifier c(peers_tiers(FallbackPolicy::use_default), env_with({}), &m);
  c.classify(in("GOLD", "203.0.113.9"));  // untrusted and unknown
  c.classify(in("GOLD", "10.0.0.7"));     // trusted, names no class
  c.classify(in("PLATINUM", "10.0.0.7"));
  EXPECT_EQ(downgrades(m, "unknown", "untrusted"), 1);
  EXPECT_EQ(downgrades(m, "unknown", "unknown_tier"), 2);
  EXPECT_EQ(m.serialize().find("GOLD"), std::string::npos);
  EXPECT_EQ(m.serialize().find("PLATINUM"), std::string::npos);
}

TEST(TierClassifier, RefusedClaimsAreNotDowngrades) {
  smart_router::observability::Metrics m;
  Tiers t = peers_tiers(FallbackPolicy::reject);
  t.on_unknown = FallbackPolicy::reject;
  const TierClassifier c(t, env_with({}), &m);
  EXPECT_EQ(c.classify(in("ELITE", "203.0.113.9")).outcome, TierOutcome::unauthorized);
  EXPECT_EQ(c.classify(in("GOLD", "10.0.0.7")).outcome, TierOutcome::unknown_tier);
  EXPECT_EQ(downgrades(m, "ELITE", "untrusted"), 0);
  EXPECT_EQ(downgrades(m, "unknown", "unknown_tier"), 0);
}

TEST(TierClassifier, JwtSecretMissingThrows) {
  EXPECT_THROW(TierClassifier(jwt_tiers(FallbackPolicy::reject), env_with({})),
               std::invalid_argument);
}

std::size_t allocations_during(const std::function<void()>& fn) {
  g_allocations = 0;
  g_counting = true;
  fn();
  g_counting = false;
  return g_allocations;
}

TEST(TierClassifier, AllocationCounterWorks) {
  // Guards the next tests: the counter does see allocations.
  EXPECT_GT(allocations_during([] { ::operator delete(::operator new(32)); }), 0u);
}

TEST(TierClassifier, HeaderModeDoesNotAllocate) {
  Tiers t = contract_tiers();
  const TierClassifier c = make(t);
  t.on_unknown = FallbackPolicy::reject;
  const TierClassifier strict = make(t);
  const TierInputs inputs[] = {in("elite"), in(std::nullopt), in("GOLD"), in("  obsidian "),
                               in("a-tier-name-too-long-for-any-small-string-buffer")};
  TierDecision d;
  EXPECT_EQ(allocations_during([&] {
              for (const auto& i : inputs) {
                d = c.classify(i);
                d = strict.classify(i);
              }
            }),
            0u);
}

TEST(TierClassifier, TrustedPeersModeDoesNotAllocate) {
  const TierClassifier c = make(peers_tiers(FallbackPolicy::use_default));
  const TierInputs inputs[] = {in("elite", "10.1.1.1"), in("elite", "203.0.113.1"),
                               in("elite", "::ffff:10.1.1.1"), in("elite", "2001:db8::1"),
                               in("a-tier-name-too-long-for-any-small-string-buffer", "10.1.1.1")};
  TierDecision d;
  EXPECT_EQ(allocations_during([&] {
              for (const auto& i : inputs) d = c.classify(i);
            }),
            0u);
}

// The trace explain reads says what the decision was made of, and changes no decision.
TEST(TierClassifier, TraceTellsTheClaimAndTheVerdict) {
  const TierClassifier c = make(peers_tiers(FallbackPolicy::use_default));
  smart_router::tier::TierTrace t;
  expect_ok(c.classify(in("ELITE", "203.0.113.9"), &t), LITE, true);
  EXPECT_EQ(t.claim, "ELITE");
  EXPECT_FALSE(t.from_token);
  EXPECT_STREQ(t.verdict, "untrusted");
  EXPECT_STRNE(t.reason, "");
  smart_router::tier::TierTrace honoured;
  expect_ok(c.classify(in("ELITE", "10.0.0.7"), &honoured), ELITE, false);
  EXPECT_STREQ(honoured.verdict, "honoured");
  smart_router::tier::TierTrace none;
  expect_ok(c.classify(in(std::nullopt, "10.0.0.7"), &none), LITE, false);
  EXPECT_STREQ(none.verdict, "absent");
  EXPECT_EQ(none.claim, "");
}

}  // namespace
