// Normalises the request target before routing, so the route matcher and the upstream see the
// same path: "/api/v1//premium/x", "/api/v1/./premium/x", "/api/v1/a/../premium/x" and
// "/api/v1/%70remium/x" all become "/api/v1/premium/x" and cannot slip past a premium-only
// route to be normalised back by the upstream. Encoded slashes and backslashes are refused.
#pragma once

#include <string>
#include <string_view>

namespace smart_router::http {

struct TargetView {
  std::string_view path;    // normalised, starts with '/'
  std::string_view target;  // normalised path + "?query" when there is one
};

// Returns an empty string and fills `out` (pointing into `target` itself when nothing needed
// changing, else into `storage`), or returns why the target is refused (-> 400).
std::string normalize_target(std::string_view target, std::string& storage, TargetView& out);

}  // namespace smart_router::http
