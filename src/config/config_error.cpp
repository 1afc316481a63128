#include "smart_router/config/loader.hpp"

namespace smart_router::config {

std::string ConfigError::to_string() const {
  if (line <= 0) return path + ": " + message;
  return path + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

}  // namespace smart_router::config
