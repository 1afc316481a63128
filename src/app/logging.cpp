#include "smart_router/app/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace smart_router::app {

void setup_logging() {
  auto logger = spdlog::stderr_logger_mt("smart-router");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

void set_log_level(config::LogLevel level) {
  switch (level) {
    case config::LogLevel::trace:
      spdlog::set_level(spdlog::level::trace);
      break;
    case config::LogLevel::debug:
      spdlog::set_level(spdlog::level::debug);
      break;
    case config::LogLevel::info:
      spdlog::set_level(spdlog::level::info);
      break;
    case config::LogLevel::warn:
      spdlog::set_level(spdlog::level::warn);
      break;
    case config::LogLevel::error:
      spdlog::set_level(spdlog::level::err);
      break;
  }
}

}  // namespace smart_router::app
