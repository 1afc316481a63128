#include "smart_router/ratelimit/limiter.hpp"

namespace smart_router::ratelimit {

std::string_view scope_name(Scope s) {
  switch (s) {
    case Scope::class_wide:
      return "class";
    case Scope::client:
      return "client";
    case Scope::fleet:
    case Scope::kCount:
      break;
  }
  return "fleet";
}

}  // namespace smart_router::ratelimit
