// Fuzz target: the config loader on YAML text (parse, environment overrides, validation), as
// --check-config and a reload run it. Besides memory errors it fails on an exception that
// escapes the loader (a reload must never throw) and on a result that is neither a config nor
// errors with a message each.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "smart_router/config/loader.hpp"

namespace {

const char* fuzz_env(const char* name) {
  return std::string_view(name) == "TIER_JWT_SECRET" ? "fuzz-secret" : nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  const auto result = smart_router::config::load_config_string(yaml, "fuzz.yaml", &fuzz_env);
  if (result.config.has_value() == !result.errors.empty()) __builtin_trap();
  for (const auto& e : result.errors)
    if (e.message.empty() || e.to_string().empty()) __builtin_trap();
  return 0;
}
