// Operational logs (not the access log): spdlog to stderr, level from logging.level.
#pragma once

#include "smart_router/config/config.hpp"

namespace smart_router::app {

void setup_logging();
void set_log_level(config::LogLevel level);

}  // namespace smart_router::app
