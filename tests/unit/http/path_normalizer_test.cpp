#include "smart_router/http/path_normalizer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace {

using smart_router::http::normalize_target;
using smart_router::http::TargetView;

// What the router routes and forwards: the normalised target, or why it is refused.
struct Normalised {
  std::string refused;  // empty when accepted
  std::string path;
  std::string target;
};

Normalised normalise(std::string_view target) {
  std::string storage;
  TargetView view;
  Normalised n;
  n.refused = normalize_target(target, storage, view);
  if (n.refused.empty()) {
    n.path = std::string(view.path);
    n.target = std::string(view.target);
  }
  return n;
}

// Accepted, and normalised to `expected` (path + query).
void expect_target(std::string_view in, std::string_view expected) {
  const auto n = normalise(in);
  EXPECT_EQ(n.refused, "") << in;
  EXPECT_EQ(n.target, expected) << in;
}

void expect_refused(std::string_view in, std::string_view why) {
  EXPECT_EQ(normalise(in).refused, why) << in;
}

// ---- already normal ---------------------------------------------------------------------------

TEST(NormalizeTarget, NormalTargetIsKeptInPlace) {
  const std::string target = "/api/v1/orders?id=7";
  std::string storage;
  TargetView view;
  ASSERT_EQ(normalize_target(target, storage, view), "");
  EXPECT_EQ(view.path, "/api/v1/orders");
  EXPECT_EQ(view.target, target);
  EXPECT_EQ(view.target.data(), target.data());  // no copy on the common path
  EXPECT_TRUE(storage.empty());
}

TEST(NormalizeTarget, DotsInsideSegmentsAreNotDotSegments) {
  for (const char* t : {"/a/.hidden", "/a/..b", "/a/b..", "/a/...", "/a.b/c", "/v1.2/x."})
    expect_target(t, t);
}

// ---- dot segments: RFC 3986 5.2.4 -------------------------------------------------------------

TEST(NormalizeTarget, RemovesDotSegmentsAsRfc3986) {
  // The examples of RFC 3986 5.2.4 and 5.4.1 that apply to an absolute path.
  expect_target("/a/b/c/./../../g", "/a/g");
  expect_target("/b/c/d;p/../../g", "/b/g");  // ";p" is part of the segment, not special
  expect_target("/a/b/c/.", "/a/b/c/");
  expect_target("/a/b/c/./", "/a/b/c/");
  expect_target("/a/b/c/..", "/a/b/");
  expect_target("/a/b/c/../", "/a/b/");
  expect_target("/a/b/c/../..", "/a/");
  expect_target("/a/b/c/../../g", "/a/g");
  expect_target("/a/./b", "/a/b");
}

TEST(NormalizeTarget, DotDotNeverClimbsAboveTheRoot) {
  expect_target("/..", "/");
  expect_target("/../", "/");
  expect_target("/.", "/");
  expect_target("/./", "/");
  expect_target("/../../../etc/passwd", "/etc/passwd");
  expect_target("/a/../../b", "/b");
}

TEST(NormalizeTarget, KeepsATrailingSlash) {
  expect_target("/a/./b/", "/a/b/");
  expect_target("/a//b//", "/a/b/");
}

// ---- slashes: nginx merge_slashes -------------------------------------------------------------

TEST(NormalizeTarget, MergesSlashesAsNginx) {
  expect_target("//a", "/a");
  expect_target("/a//b///c", "/a/b/c");
  expect_target("///", "/");
  // Slashes merge before dot segments go, as in nginx: ".." takes "a", not the empty segment
  // (RFC 3986 alone would give "/a/b").
  expect_target("/a//../b", "/b");
}

// ---- percent-encoding -------------------------------------------------------------------------

TEST(NormalizeTarget, DecodesUnreservedCharacters) {
  expect_target("/api/v1/%70remium/x", "/api/v1/premium/x");
  expect_target("/%41%7a%30%2D%5f%7E", "/Az0-_~");
}

TEST(NormalizeTarget, EncodedDotsAreDotSegments) {
  expect_target("/a/%2e%2e/b", "/b");
  expect_target("/a/%2E%2E/b", "/b");
  expect_target("/a/.%2e/b", "/b");
  expect_target("/a/%2e/b", "/a/b");
  expect_target("/api/v1/premium/%2e%2e/premium/x", "/api/v1/premium/x");
}

TEST(NormalizeTarget, KeepsOtherEscapesInUpperCase) {
  expect_target("/a%20b", "/a%20b");
  expect_target("/caf%c3%a9", "/caf%C3%A9");
  expect_target("/a%3fb%23c", "/a%3Fb%23c");  // an encoded ? or # stays in the path
  expect_target("/%0d%0a", "/%0D%0A");        // encoded CR LF are never decoded into a header
}

TEST(NormalizeTarget, DecodesOnlyOnce) {
  expect_target("/a/%252e%252e/b", "/a/%252e%252e/b");
  expect_target("/a/%25/b/..", "/a/%25/");
}

TEST(NormalizeTarget, RefusesEncodedSlashesAndBackslashes) {
  for (const char* t : {"/api/v1%2Fpremium/x", "/api/v1%2fpremium/x", "/a/..%2f..%2fetc"})
    expect_refused(t, "encoded slash in request path");
  for (const char* t : {"/api/v1/premium%5Cx", "/a%5c..%5cb"})
    expect_refused(t, "encoded slash in request path");
  expect_refused("/api\\v1\\premium\\x", "backslash in request path");
  expect_refused("/a/..\\b", "backslash in request path");
}

TEST(NormalizeTarget, RefusesEncodedNul) {
  expect_refused("/a%00b", "encoded NUL in request path");
  expect_refused("/a/%00/..", "encoded NUL in request path");
}

TEST(NormalizeTarget, RefusesBrokenPercentEncoding) {
  for (const char* t : {"/a%", "/a%4", "/a%zz", "/a%4g", "/a%g4", "/%%41", "/a/%2"})
    expect_refused(t, "bad percent-encoding in path");
}

// ---- the query --------------------------------------------------------------------------------

TEST(NormalizeTarget, QueryIsKeptVerbatim) {
  expect_target("/a/./b?x=/../y&z=%2F%2e", "/a/b?x=/../y&z=%2F%2e");
  expect_target("/a?", "/a?");
  expect_target("/a//b?q", "/a/b?q");
  const auto n = normalise("/a/../b?q=1");
  EXPECT_EQ(n.path, "/b");
}

TEST(NormalizeTarget, EncodedSlashInTheQueryIsFine) {
  expect_target("/api/v1/orders?id=7&x=%2F", "/api/v1/orders?id=7&x=%2F");
  expect_target("/a/../b?x=%5C", "/b?x=%5C");
}

TEST(NormalizeTarget, RefusesAFragment) {
  expect_refused("/a#b", "request target has a fragment");
  expect_refused("/a?q#b", "request target has a fragment");
  expect_refused("http://host#x/a", "request target has a fragment");
}

// ---- request-target forms: RFC 9112 3.2 -------------------------------------------------------

TEST(NormalizeTarget, AbsoluteFormKeepsPathAndQuery) {
  expect_target("http://example.com/api/v1/premium/x", "/api/v1/premium/x");
  expect_target("https://example.com:8443/a/../b?q=1", "/b?q=1");
  expect_target("HTTP://example.com/a", "/a");
}

// RFC 9110 4.2.3: an empty path in an http(s) URI is "/". (Regression: "http://host?q" was
// refused as "request target has no path".)
TEST(NormalizeTarget, AbsoluteFormWithoutPathIsTheRoot) {
  expect_target("http://example.com", "/");
  expect_target("http://example.com?q=1", "/?q=1");
  const auto n = normalise("http://example.com:80?q=1");
  EXPECT_EQ(n.path, "/");
}

// Regression: anything before "://" passed for a scheme.
TEST(NormalizeTarget, AbsoluteFormNeedsASchemeName) {
  for (const char* t : {"a/b://host/x", "://host/x", "1http://host/x", "ht tp://host/x"})
    expect_refused(t, "request target must start with /");
}

TEST(NormalizeTarget, AbsoluteFormMustBeAnHttpUriWithoutUserinfo) {
  expect_refused("ftp://example.com/api/x", "request target's scheme must be http or https");
  expect_refused("foo+bar://example.com/x", "request target's scheme must be http or https");
  expect_refused("http://u:p@other.example/api/x", "request target has userinfo (user@host)");
  expect_refused("https://u@other.example?q", "request target has userinfo (user@host)");
  expect_target("http://example.com/a@b", "/a@b");  // in the path, '@' is a plain character
}

TEST(NormalizeTarget, RefusesTargetsThatAreNoPath) {
  expect_refused("", "empty request target");
  expect_refused("*", "request target must start with /");  // asterisk-form (OPTIONS *)
  expect_refused("example.com:443", "request target must start with /");  // authority-form
  expect_refused("a/b", "request target must start with /");
  expect_refused("?q", "request target must start with /");
}

// ---- size -------------------------------------------------------------------------------------

TEST(NormalizeTarget, LongTargetsNormaliseAndNeverGrow) {
  std::string deep;
  for (int i = 0; i < 4000; ++i) deep += "/seg";
  std::string target = deep;
  for (int i = 0; i < 4000; ++i) target += "/..";
  expect_target(target + "/x", "/x");

  std::string escaped = "/";
  for (int i = 0; i < 8000; ++i) escaped += "%2a";
  const auto n = normalise(escaped);
  ASSERT_EQ(n.refused, "");
  EXPECT_EQ(n.target.size(), escaped.size());
}

}  // namespace
