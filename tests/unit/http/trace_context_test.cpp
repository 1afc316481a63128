#include "smart_router/http/trace_context.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

namespace {

using smart_router::http::bound_tracestate;
using smart_router::http::parse_traceparent;
using smart_router::http::TraceContext;

constexpr const char* kValid = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

std::string text(const std::array<char, 32>& a) {
  return {a.begin(), a.end()};
}
std::string text(const std::array<char, 16>& a) {
  return {a.begin(), a.end()};
}

TEST(Traceparent, Version00IsParsed) {
  const auto tp = parse_traceparent(kValid);
  ASSERT_TRUE(tp);
  EXPECT_EQ(text(tp->trace_id), "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(text(tp->parent_id), "b7ad6b7169203331");
  EXPECT_TRUE(tp->sampled);
  const auto unsampled =
      parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00");
  ASSERT_TRUE(unsampled);
  EXPECT_FALSE(unsampled->sampled);
}

TEST(Traceparent, OnlyTheSampledBitOfTheFlagsCounts) {
  EXPECT_TRUE(
      parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-09")->sampled);
  EXPECT_FALSE(
      parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-fe")->sampled);
}

TEST(Traceparent, MalformedVersion00IsRefused) {
  const char* bad[] = {
      "",
      "00",
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0",      // short flags
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-",    // 00 has nothing after
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-xy",  // 00 has nothing after
      "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",     // upper-case hex
      "00-0af7651916cd43dd8448eb211c80319c-B7AD6B7169203331-01",
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0A",
      "00-00000000000000000000000000000000-b7ad6b7169203331-01",  // all-zero trace id
      "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",  // all-zero parent id
      "00-0af7651916cd43dd8448eb211c8031zz-b7ad6b7169203331-01",  // not hex
      "00_0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",  // wrong separators
      "00-0af7651916cd43dd8448eb211c80319c_b7ad6b7169203331-01",
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331_01",
      "00-0af7651916cd43dd8448eb211c80319-cb7ad6b7169203331-01",  // fields shifted
      " 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",  // version ff is forbidden
      "0g-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",  // version not hex
      "0A-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
  };
  for (const char* v : bad) EXPECT_FALSE(parse_traceparent(v)) << v;
}

TEST(Traceparent, AFutureVersionIsReadByTheKnownFields) {
  // Longer, with fields after a '-': the three known fields are used.
  const auto tp =
      parse_traceparent("cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-what-comes-next");
  ASSERT_TRUE(tp);
  EXPECT_EQ(text(tp->trace_id), "0af7651916cd43dd8448eb211c80319c");
  EXPECT_TRUE(tp->sampled);
  EXPECT_TRUE(parse_traceparent("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"));
  // ...but the flags must end the text or be followed by '-', and it is never shorter than 00.
  EXPECT_FALSE(parse_traceparent("cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01x"));
  EXPECT_FALSE(parse_traceparent("cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1"));
  EXPECT_FALSE(parse_traceparent("cc-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333-01-x"));
}

TEST(Tracestate, AValidListIsForwardedAsItCame) {
  std::string scratch;
  for (const char* v :
       {"rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", "rojo=00f067aa0ba902b7 ,\t congo=t61rcWkgMzE",
        "a@b/c*_-=x y", "rojo=1,,congo=2"}) {
    EXPECT_EQ(bound_tracestate(v, scratch), v) << v;
  }
  for (const char* empty : {"", " ", " , ,"}) EXPECT_EQ(bound_tracestate(empty, scratch), "");
}

TEST(Tracestate, AnInvalidListIsDropped) {
  std::string scratch;
  for (const char* v : {"Rojo=1", "rojo", "rojo=", "rojo=a,rojo=b", "rojo=a=b", "_x=1",
                        "rojo=tab\there", "rojo=1,congo"}) {
    EXPECT_EQ(bound_tracestate(v, scratch), "") << v;
  }
}

std::string members(int n, std::size_t value_size = 1) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i > 0) out += ',';
    out += "k" + std::to_string(i) + "=" + std::string(value_size, 'v');
  }
  return out;
}

TEST(Tracestate, ThirtyTwoMembersAtMost) {
  std::string scratch;
  EXPECT_EQ(bound_tracestate(members(32), scratch), members(32));
  EXPECT_EQ(bound_tracestate(members(33), scratch), "");
}

TEST(Tracestate, TooLongLosesLongEntriesFirstThenFromTheEnd) {
  std::string scratch;
  // 4 members of 100 bytes + one of 200 (dropped first) + 2 more of 100: 4 * 101 + 100 > 512.
  const std::string hundred(96, 'v');  // "kN=" + 96 = 99..100 bytes
  const std::string list = "k0=" + hundred + ",big=" + std::string(200, 'b') + ",k1=" + hundred +
                           ",k2=" + hundred + ",k3=" + hundred + ",k4=" + hundred +
                           ",k5=" + hundred;
  const auto kept = bound_tracestate(list, scratch);
  EXPECT_EQ(kept, "k0=" + hundred + ",k1=" + hundred + ",k2=" + hundred + ",k3=" + hundred +
                      ",k4=" + hundred);
  EXPECT_LE(kept.size(), 512U);
  // Joined in the scratch it came from: still right.
  scratch = list;
  EXPECT_EQ(bound_tracestate(scratch, scratch).substr(0, 6), "k0=vvv");
}

TEST(TraceContext, ContinuesTheCallersTrace) {
  TraceContext t;
  t.begin(parse_traceparent(kValid), "rojo=1");
  EXPECT_EQ(t.trace_id(), "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(t.parent_id(), "b7ad6b7169203331");
  EXPECT_NE(t.span_id(), "b7ad6b7169203331");
  EXPECT_TRUE(t.sampled());
  EXPECT_EQ(t.tracestate(), "rojo=1");
  const std::string first(t.next_upstream_traceparent());
  const std::string second(t.next_upstream_traceparent());
  EXPECT_EQ(first.substr(0, 36), "00-0af7651916cd43dd8448eb211c80319c-");
  EXPECT_EQ(first.substr(52), "-01");
  EXPECT_NE(first, second) << "every upstream request gets a span id of its own";
  EXPECT_EQ(first.substr(0, 36), second.substr(0, 36));
  EXPECT_NE(first.substr(36, 16), t.span_id());
  EXPECT_TRUE(parse_traceparent(first));
}

TEST(TraceContext, StartsATraceWhenNoneCame) {
  const std::regex hex32("[0-9a-f]{32}");
  const std::regex hex16("[0-9a-f]{16}");
  std::set<std::string> traces;
  for (int i = 0; i < 100; ++i) {
    TraceContext t;
    t.start();
    const std::string trace(t.trace_id());
    EXPECT_TRUE(std::regex_match(trace, hex32)) << trace;
    EXPECT_TRUE(std::regex_match(std::string(t.span_id()), hex16));
    EXPECT_EQ(t.parent_id(), "");
    EXPECT_EQ(t.tracestate(), "");
    EXPECT_FALSE(t.sampled()) << "a trace started here leaves the sampling decision downstream";
    const auto up = parse_traceparent(t.next_upstream_traceparent());
    ASSERT_TRUE(up);
    EXPECT_EQ(std::string(up->trace_id.begin(), up->trace_id.end()), trace);
    EXPECT_FALSE(up->sampled);
    traces.insert(trace);
  }
  EXPECT_EQ(traces.size(), 100U);
}

}  // namespace
