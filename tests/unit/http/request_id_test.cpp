#include "smart_router/http/request_id.hpp"

#include <gtest/gtest.h>

#include <array>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace {

// One fresh id (the router writes into a reused string; a new one per call is as good here).
std::string generate_request_id() {
  std::string id;
  smart_router::http::generate_request_id(id);
  return id;
}
using smart_router::http::is_acceptable_request_id;

// RFC 9562 (ex-4122) UUID text: version nibble 4, variant 10xx.
const std::regex& uuid_v4() {
  static const std::regex re(
      "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  return re;
}

TEST(RequestId, IsALowerCaseUuidV4) {
  for (int i = 0; i < 2000; ++i) {
    const std::string id = generate_request_id();
    ASSERT_EQ(id.size(), 36u) << id;
    ASSERT_TRUE(std::regex_match(id, uuid_v4())) << id;
  }
}

TEST(RequestId, ReplacesWhatTheReusedStringHeld) {
  std::string id = "a client's id from the previous request, longer than a UUID";
  smart_router::http::generate_request_id(id);
  EXPECT_EQ(id.size(), 36u);
  EXPECT_TRUE(std::regex_match(id, uuid_v4())) << id;
}

TEST(RequestId, UniqueOverTenThousand) {
  std::unordered_set<std::string> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(generate_request_id());
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(RequestId, EveryRandomPositionVaries) {
  // 122 random bits: each random hex position must take many values (a stuck nibble or a
  // half-filled word would show up here). Position 14 is the version, 19 holds the variant.
  std::array<std::set<char>, 36> seen;
  for (int i = 0; i < 10000; ++i) {
    const std::string id = generate_request_id();
    for (std::size_t p = 0; p < id.size(); ++p) seen[p].insert(id[p]);
  }
  for (std::size_t p = 0; p < 36; ++p) {
    if (p == 8 || p == 13 || p == 18 || p == 23) {
      EXPECT_EQ(seen[p], std::set<char>{'-'}) << p;
    } else if (p == 14) {
      EXPECT_EQ(seen[p], std::set<char>{'4'});
    } else if (p == 19) {
      EXPECT_EQ(seen[p], (std::set<char>{'8', '9', 'a', 'b'}));
    } else {
      EXPECT_EQ(seen[p].size(), 16u) << "position " << p;
    }
  }
}

TEST(RequestId, ThreadsDoNotRepeatEachOther) {
  // Each worker thread draws ids; a generator seeded the same way in every thread would repeat.
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&ids, t] {
      for (int i = 0; i < kPerThread; ++i)
        ids[static_cast<std::size_t>(t)].push_back(generate_request_id());
    });
  for (auto& th : threads) th.join();
  std::unordered_set<std::string> all;
  for (const auto& v : ids) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

TEST(RequestId, AcceptedAsAClientId) {
  for (int i = 0; i < 100; ++i) {
    const std::string id = generate_request_id();
    EXPECT_TRUE(is_acceptable_request_id(id)) << id;
  }
}

TEST(IsAcceptableRequestId, AcceptsCommonIdShapes) {
  EXPECT_TRUE(is_acceptable_request_id("f47ac10b-58cc-4372-a567-0e02b2c3d479"));
  EXPECT_TRUE(is_acceptable_request_id("a"));
  EXPECT_TRUE(is_acceptable_request_id("req_01HZX.trace:span/1+a=="));
  EXPECT_TRUE(is_acceptable_request_id(std::string(128, 'x')));
}

TEST(IsAcceptableRequestId, RejectsEmptyAndTooLong) {
  EXPECT_FALSE(is_acceptable_request_id(""));
  EXPECT_FALSE(is_acceptable_request_id(std::string(129, 'x')));
}

TEST(IsAcceptableRequestId, RejectsCharactersThatBreakHeadersOrLogLines) {
  for (const std::string& bad :
       std::vector<std::string>{"a b", "a\tb", "a\r\nX-Evil: 1", "a\nb", "a\"b", "a\\b", "a,b",
                                "a;b", "<script>", "a\x7f", "caf\xc3\xa9", std::string("a\0b", 3)})
    EXPECT_FALSE(is_acceptable_request_id(bad)) << bad;
}

}  // namespace
