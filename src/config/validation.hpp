// Shared state of one validation run; each validate_<section>.cpp checks one part.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "smart_router/config/config.hpp"
#include "smart_router/config/loader.hpp"
#include "smart_router/config/marks.hpp"

namespace smart_router::config {

class Validation {
 public:
  Validation(const Config& cfg, const ConfigMarks& config_marks, const std::string& file,
             std::vector<ConfigError>& out)
      : config(cfg), marks(config_marks), file_(file), out_(out) {}

  const Config& config;
  const ConfigMarks& marks;

  // "PATH: message" at PATH's mark in `entry` (nearest ancestor if PATH itself has none),
  // unless PATH or an ancestor was already rejected while reading.
  void error(const FieldMarks& entry, const std::string& path, const std::string& message);
  // Same for paths outside classes, routes and pools.
  void error(const std::string& path, const std::string& message) {
    error(marks.file, path, message);
  }
  bool failed(const FieldMarks& entry, std::string_view path) const {
    return entry.has_failed(path) || marks.file.has_failed(path);
  }

  // Common checks; each reports and returns false on failure.
  bool positive(const FieldMarks& entry, const std::string& path, std::uint64_t v);
  bool in_range(const FieldMarks& entry, const std::string& path, std::uint64_t v, std::uint64_t lo,
                std::uint64_t hi, std::string_view note = {});
  bool readable_file(const FieldMarks& entry, const std::string& path, const std::string& file);

  // "unknown pool "x" (known: a, b)" unless it names a pool. False when it does not.
  bool pool_exists(const FieldMarks& entry, const std::string& path, const std::string& pool);
  // Upper-case class name lookup.
  bool class_exists(const std::string& name) const;
  std::string class_names() const;
  std::string line_col(SourceMark m) const;

 private:
  const std::string& file_;
  std::vector<ConfigError>& out_;
};

// "10.0.0.0/8", "fd00::/8", or a bare address for one host (as tier::Cidr accepts them).
// Empty result = valid.
std::string cidr_problem(const std::string& s);
// Reports each entry of the list at `path` that is not a valid CIDR.
void check_cidrs(Validation& v, const std::string& path, const std::vector<std::string>& cidrs);

void validate_server(Validation& v);  // server, admin, overload, logging
void validate_tiers(Validation& v);
void validate_routes(Validation& v);
void validate_pools(Validation& v);
void validate_rate_limits(Validation& v);

}  // namespace smart_router::config
