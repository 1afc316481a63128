// Fuzz target: the JWT verifier (tiers.trust.mode: jwt) on an Authorization header value, with
// HS256 and RS256 allowed and an issuer and audience required. Besides memory errors it fails
// on an exception (check() is noexcept: one would terminate) and on a verdict that breaks its
// own contract (a valid token without a reason-free verdict, an invalid one without a reason).
#include "smart_router/tier/jwt_verifier.hpp"

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

namespace {

namespace tier = smart_router::tier;

// The public half of the key that signed the RS256 seeds (its private half is not kept).
constexpr std::string_view kPublicKey = R"(-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqm/F6ut816CEHOkZ9E6/
dobm+pRwSN2pSq7zWO5OyVn4d6veaIYe6C6WYnzRoqtVU7KM/hcEu1Y8oa7Y0Lhf
RKEkqMO3dERYT/MO06kQ9IHsLb4FzvcHwn2IS6+LJ4J8rmJx4lHIbC1lj53J8/2a
HtuC09CIyUbrLIG/6KoQuxEIdEgIKofK/2EjxPOFx4BSEwIweeGRiajzDz3OMwvS
VR47SfXGXvhRnsh793jIVGjE4bwgm2PA1MlRzlaPITJHpfdgiWBIT/c+yzV2uccy
lR6ShPds+LlQtvI1oTtrDSRZxj1o9k8KXUQp1ez1MUc2KVRtZ369SBpTropTmueo
KwIDAQAB
-----END PUBLIC KEY-----
)";

const char* fuzz_env(const char* name) {
  return std::string_view(name) == "TIER_JWT_SECRET" ? "fuzz-secret" : nullptr;
}

std::unique_ptr<tier::JwtVerifier> make_verifier() {
  char path[] = "/tmp/sr-fuzz-jwt-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) std::abort();
  ::close(fd);
  std::ofstream(path) << kPublicKey;
  smart_router::config::JwtTrust cfg;
  cfg.algorithms = {"HS256", "RS256"};
  cfg.public_key_file = path;
  cfg.issuer = "https://auth.example";
  cfg.audience = "smart-router";
  auto v = std::make_unique<tier::JwtVerifier>(cfg, &fuzz_env);
  ::unlink(path);
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto verifier = make_verifier();
  const std::string_view header(reinterpret_cast<const char*>(data), size);
  const auto check = verifier->check(header);
  switch (check.status) {
    case tier::JwtStatus::invalid:
      if (check.reason == nullptr) __builtin_trap();
      break;
    case tier::JwtStatus::valid:
      if (check.claim.find_first_of(" \t") == 0) __builtin_trap();  // trimmed
      break;
    case tier::JwtStatus::no_token:
    case tier::JwtStatus::invalid_claim:
      break;
  }
  return 0;
}
