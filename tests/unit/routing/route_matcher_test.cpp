#include "smart_router/routing/route_matcher.hpp"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>

namespace {

using smart_router::config::RouteMatch;
using smart_router::routing::RequestView;
using smart_router::routing::RouteMatcher;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A request with headers stored under lower-case names (lookup is case-insensitive, as the
// http layer's is).
struct Req {
  std::string method = "GET";
  std::string path = "/";
  std::string tier = "LITE";
  std::map<std::string, std::string> headers;
  mutable std::vector<std::string> looked_up;

  RequestView view() const {
    RequestView v;
    v.method = method;
    v.path = path;
    v.tier = tier;
    v.header = [](const void* ctx, std::string_view name) -> std::optional<std::string_view> {
      const auto* self = static_cast<const Req*>(ctx);
      self->looked_up.emplace_back(name);
      const auto it = self->headers.find(lower(name));
      if (it == self->headers.end()) return std::nullopt;
      return std::string_view(it->second);
    };
    v.header_ctx = this;
    return v;
  }
};

bool matches(const RouteMatch& m, const Req& r) {
  return RouteMatcher(m).matches(r.view());
}

Req at(std::string path, std::string method = "GET", std::string tier = "LITE") {
  Req r;
  r.path = std::move(path);
  r.method = std::move(method);
  r.tier = std::move(tier);
  return r;
}

TEST(RouteMatcher, NoKeysMatchesEverything) {
  EXPECT_TRUE(matches(RouteMatch{}, at("/")));
  EXPECT_TRUE(matches(RouteMatch{}, at("/anything", "DELETE", "VOID")));
  EXPECT_TRUE(matches(RouteMatch{}, at("")));
}

TEST(RouteMatcher, PathPrefixAnyOfList) {
  RouteMatch m;
  m.path_prefix = {"/api/v1/premium/", "/api/v1/elite/"};
  EXPECT_TRUE(matches(m, at("/api/v1/premium/x")));
  EXPECT_TRUE(matches(m, at("/api/v1/premium/")));
  EXPECT_TRUE(matches(m, at("/api/v1/elite/a/b")));
  EXPECT_FALSE(matches(m, at("/api/v1/premium")));    // no trailing slash: not the prefix
  EXPECT_FALSE(matches(m, at("/api/v1/PREMIUM/x")));  // paths are case-sensitive
  EXPECT_FALSE(matches(m, at("/x/api/v1/premium/")));
  EXPECT_FALSE(matches(m, at("/api")));
}

TEST(RouteMatcher, PathExact) {
  RouteMatch m;
  m.path_exact = {"/login", "/logout"};
  EXPECT_TRUE(matches(m, at("/login")));
  EXPECT_TRUE(matches(m, at("/logout")));
  EXPECT_FALSE(matches(m, at("/login/")));
  EXPECT_FALSE(matches(m, at("/log")));
}

TEST(RouteMatcher, PathRegexIsAFullMatch) {
  RouteMatch m;
  m.path_regex = {R"(/api/v[0-9]+/users/[0-9]+)"};
  EXPECT_TRUE(matches(m, at("/api/v1/users/42")));
  EXPECT_TRUE(matches(m, at("/api/v12/users/7")));
  EXPECT_FALSE(matches(m, at("/api/v1/users/42/orders")));  // a search would find it
  EXPECT_FALSE(matches(m, at("/x/api/v1/users/42")));
  EXPECT_FALSE(matches(m, at("/api/v1/users/abc")));
}

TEST(RouteMatcher, PathRegexAnyOfList) {
  RouteMatch m;
  m.path_regex = {"/a/.*", "/b/[a-z]+"};
  EXPECT_TRUE(matches(m, at("/a/1")));
  EXPECT_TRUE(matches(m, at("/b/xyz")));
  EXPECT_FALSE(matches(m, at("/b/1")));
}

TEST(RouteMatcher, BadRegexThrowsInvalidArgument) {
  for (const char* bad : {"(", "[a-", "*x", "a{2,1}", R"((a)\1)"}) {
    RouteMatch m;
    m.path_regex = {bad};
    EXPECT_THROW(RouteMatcher{m}, std::invalid_argument) << bad;
  }
}

TEST(RouteMatcher, LongPathWithRegexDoesNotOverflowTheStack) {
  RouteMatch m;
  m.path_regex = {"/api/.*", "/(a|b)*c"};
  const RouteMatcher rm(m);
  Req r = at("/api/" + std::string(200000, 'a'));
  EXPECT_TRUE(rm.matches(r.view()));
  r.path = "/" + std::string(200000, 'a') + "b";  // a backtracking engine would crawl here
  EXPECT_FALSE(rm.matches(r.view()));
}

TEST(RouteMatcher, MethodsAreCaseSensitive) {
  RouteMatch m;
  m.methods = {"GET", "HEAD"};
  EXPECT_TRUE(matches(m, at("/", "GET")));
  EXPECT_TRUE(matches(m, at("/", "HEAD")));
  EXPECT_FALSE(matches(m, at("/", "POST")));
  EXPECT_FALSE(matches(m, at("/", "get")));
}

TEST(RouteMatcher, HeaderValueOneOfList) {
  RouteMatch m;
  m.headers = {{"X-Canary", {"yes", "true"}}};
  Req r = at("/");
  EXPECT_FALSE(matches(m, r));  // absent
  r.headers["x-canary"] = "yes";
  EXPECT_TRUE(matches(m, r));
  r.headers["x-canary"] = "true";
  EXPECT_TRUE(matches(m, r));
  r.headers["x-canary"] = "YES";  // values compare exactly
  EXPECT_FALSE(matches(m, r));
  r.headers["x-canary"] = "yes ";
  EXPECT_FALSE(matches(m, r));
}

TEST(RouteMatcher, HeaderNameCaseInsensitive) {
  RouteMatch m;
  m.headers = {{"x-CANARY", {"yes"}}};
  Req r = at("/");
  r.headers["x-canary"] = "yes";
  EXPECT_TRUE(matches(m, r));
}

TEST(RouteMatcher, HeaderEmptyValuesMeansPresent) {
  RouteMatch m;
  m.headers = {{"X-Debug", {}}};
  Req r = at("/");
  EXPECT_FALSE(matches(m, r));
  r.headers["x-debug"] = "";
  EXPECT_TRUE(matches(m, r));
  r.headers["x-debug"] = "anything";
  EXPECT_TRUE(matches(m, r));
}

TEST(RouteMatcher, AllHeadersMustHold) {
  RouteMatch m;
  m.headers = {{"A", {"1"}}, {"B", {"2"}}};
  Req r = at("/");
  r.headers["a"] = "1";
  EXPECT_FALSE(matches(m, r));
  r.headers["b"] = "2";
  EXPECT_TRUE(matches(m, r));
  r.headers["b"] = "3";
  EXPECT_FALSE(matches(m, r));
}

TEST(RouteMatcher, HeaderKeyWithoutLookupFunctionNeverMatches) {
  RouteMatch m;
  m.headers = {{"X-Debug", {}}};
  RequestView v;
  v.method = "GET";
  v.path = "/";
  EXPECT_FALSE(RouteMatcher(m).matches(v));
  EXPECT_TRUE(RouteMatcher(RouteMatch{}).matches(v));
}

TEST(RouteMatcher, TiersCaseInsensitive) {
  RouteMatch m;
  m.tiers = {"ELITE", "black"};
  EXPECT_TRUE(matches(m, at("/", "GET", "ELITE")));
  EXPECT_TRUE(matches(m, at("/", "GET", "elite")));
  EXPECT_TRUE(matches(m, at("/", "GET", "BLACK")));
  EXPECT_FALSE(matches(m, at("/", "GET", "LITE")));
  EXPECT_FALSE(matches(m, at("/", "GET", "")));
}

TEST(RouteMatcher, AllKeysMustHold) {
  RouteMatch m;
  m.path_prefix = {"/api/"};
  m.methods = {"POST"};
  m.tiers = {"PRO"};
  m.headers = {{"Content-Type", {"application/json"}}};
  Req r = at("/api/x", "POST", "PRO");
  r.headers["content-type"] = "application/json";
  EXPECT_TRUE(matches(m, r));

  Req wrong = r;
  wrong.path = "/web/x";
  EXPECT_FALSE(matches(m, wrong));
  wrong = r;
  wrong.method = "GET";
  EXPECT_FALSE(matches(m, wrong));
  wrong = r;
  wrong.tier = "LITE";
  EXPECT_FALSE(matches(m, wrong));
  wrong = r;
  wrong.headers.clear();
  EXPECT_FALSE(matches(m, wrong));
}

TEST(RouteMatcher, PrefixAndExactBothApplyWhenBothGiven) {
  RouteMatch m;
  m.path_prefix = {"/api/"};
  m.path_exact = {"/api/health", "/web/health"};
  EXPECT_TRUE(matches(m, at("/api/health")));
  EXPECT_FALSE(matches(m, at("/web/health")));
  EXPECT_FALSE(matches(m, at("/api/other")));
}

std::map<std::string, smart_router::routing::KeyCheck> explained(const RouteMatch& m,
                                                                 const Req& r) {
  std::map<std::string, smart_router::routing::KeyCheck> out;
  for (auto& c : RouteMatcher(m).explain(r.view())) out[c.key] = c;
  return out;
}

TEST(RouteMatcher, ExplainChecksEveryKeyWithTheRequestsValue) {
  RouteMatch m;
  m.methods = {"GET", "HEAD"};
  m.tiers = {"ELITE"};
  m.path_prefix = {"/api/"};
  m.path_exact = {"/api/x"};
  m.path_regex = {"^/api/[a-z]+$"};
  m.headers = {{"X-Canary", {"yes"}}, {"X-Debug", {}}};
  Req r = at("/api/x", "POST", "LITE");
  r.headers["x-canary"] = "no";
  const auto e = explained(m, r);
  ASSERT_EQ(e.size(), 7U);
  EXPECT_FALSE(e.at("methods").held);
  EXPECT_EQ(e.at("methods").why, "method POST is not in [GET, HEAD]");
  EXPECT_FALSE(e.at("tiers").held);
  EXPECT_TRUE(e.at("path_prefix").held);
  EXPECT_EQ(e.at("path_prefix").why, "path /api/x starts with /api/");
  EXPECT_TRUE(e.at("path_exact").held);
  EXPECT_TRUE(e.at("path_regex").held);
  EXPECT_FALSE(e.at("headers.X-Canary").held);
  EXPECT_EQ(e.at("headers.X-Canary").why, "X-Canary: no is not in [yes]");
  EXPECT_FALSE(e.at("headers.X-Debug").held);
  EXPECT_EQ(e.at("headers.X-Debug").why, "X-Debug is absent");
  EXPECT_FALSE(matches(m, r));

  Req ok = at("/api/x", "HEAD", "elite");
  ok.headers["x-canary"] = "yes";
  ok.headers["x-debug"] = "";
  for (const auto& [key, check] : explained(m, ok)) EXPECT_TRUE(check.held) << key << check.why;
  EXPECT_TRUE(matches(m, ok));
}

TEST(RouteMatcher, ExplainOfNoKeysSaysEverythingMatches) {
  const auto e = RouteMatcher(RouteMatch{}).explain(at("/x").view());
  ASSERT_EQ(e.size(), 1U);
  EXPECT_TRUE(e.front().held);
}

}  // namespace
