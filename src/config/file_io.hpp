// Reading files for the config module, with errno-based reasons.
#pragma once

#include <optional>
#include <string>

namespace smart_router::config {

// Whole file, or nullopt with *why = strerror(errno) (or "is a directory").
std::optional<std::string> read_whole_file(const std::string& path, std::string* why);

// True when `path` can be opened and read; otherwise *why says why.
bool file_readable(const std::string& path, std::string* why);

}  // namespace smart_router::config
