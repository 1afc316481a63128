// Helpers shared by the config unit tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "smart_router/config/loader.hpp"

namespace smart_router::config::test {

inline const char* no_env(const char*) {
  return nullptr;
}

// An EnvLookup over a fixed map; the map must outlive the lookup.
inline EnvLookup env_of(const std::map<std::string, std::string>& vars) {
  return [&vars](const char* name) -> const char* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

inline std::string dump(const std::vector<ConfigError>& errors) {
  std::string out;
  for (const auto& e : errors) out += "  " + e.to_string() + "\n";
  return out.empty() ? "  (no errors)\n" : out;
}

// Exactly one error at LINE:COL whose message contains `text`.
inline ::testing::AssertionResult HasError(const std::vector<ConfigError>& errors, int line,
                                           int col, std::string_view text) {
  int found = 0;
  for (const auto& e : errors)
    if (e.line == line && e.column == col && e.message.find(text) != std::string::npos) ++found;
  if (found == 1) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "expected one error at " << line << ":" << col << " containing \"" << text
         << "\", found " << found << " in:\n"
         << dump(errors);
}

// An error anywhere whose message contains `text`.
inline ::testing::AssertionResult HasErrorText(const std::vector<ConfigError>& errors,
                                               std::string_view text) {
  for (const auto& e : errors)
    if (e.to_string().find(text) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "no error containing \"" << text << "\" in:\n"
                                       << dump(errors);
}

// Two pools the default classes and routes need; append to a YAML document.
inline constexpr std::string_view kPools =
    "pools:\n"
    "  shared: {endpoints: [\"127.0.0.1:9001\"]}\n"
    "  premium: {endpoints: [\"127.0.0.1:9101\"]}\n";

inline LoadResult load(std::string_view yaml, const EnvLookup& env = no_env) {
  return load_config_string(yaml, "test.yaml", env);
}

// A file removed when the test ends.
class TempFile {
 public:
  explicit TempFile(std::string_view content, std::string_view name = "file") {
    path_ = std::filesystem::temp_directory_path() /
            ("sr_config_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++) +
             "_" + std::string(name));
    std::ofstream(path_) << content;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  std::string path() const { return path_.string(); }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::filesystem::path path_;
};

}  // namespace smart_router::config::test

#include "smart_router/config/validator.hpp"
#include "smart_router/config/yaml_loader.hpp"

namespace smart_router::config::test {

// Parses (expecting no parse errors) and returns the validator's errors only.
inline std::vector<ConfigError> validate_yaml(std::string_view yaml) {
  const ParsedConfig p = parse_config_yaml(yaml, "v.yaml");
  EXPECT_TRUE(p.document_ok);
  EXPECT_TRUE(p.errors.empty()) << "parse errors:\n" << dump(p.errors);
  return validate_config(p.config, p.marks, "v.yaml");
}

}  // namespace smart_router::config::test
