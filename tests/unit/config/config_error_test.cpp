#include <gtest/gtest.h>

#include "smart_router/config/loader.hpp"

namespace smart_router::config {
namespace {

TEST(ConfigErrorTest, WithPlaceIsPathLineColumnMessage) {
  const ConfigError e{"config/router.yaml", 12, 7, "bad thing"};
  EXPECT_EQ(e.to_string(), "config/router.yaml:12:7: bad thing");
}

TEST(ConfigErrorTest, WithoutPlaceIsPathMessage) {
  const ConfigError e{"SHARED_ENDPOINT", 0, 0, "invalid endpoint"};
  EXPECT_EQ(e.to_string(), "SHARED_ENDPOINT: invalid endpoint");
}

TEST(ConfigErrorTest, LineZeroIgnoresColumn) {
  const ConfigError e{"f.yaml", 0, 5, "m"};
  EXPECT_EQ(e.to_string(), "f.yaml: m");
}

}  // namespace
}  // namespace smart_router::config
