#include "smart_router/config/validator.hpp"

#include <algorithm>

#include "file_io.hpp"
#include "text.hpp"
#include "validation.hpp"

namespace smart_router::config {

namespace {

// Where the default entries came from, so "unknown pool" on a line-less default makes sense.
std::string defaults_note(const FieldMarks& entry) {
  if (!entry.from_defaults) return {};
  if (entry.path.rfind("tiers.classes.", 0) == 0)
    return " (tiers.classes is absent, so the contract's default classes apply)";
  if (entry.path.rfind("routes[", 0) == 0)
    return " (routes is absent, so the contract's default routes apply)";
  return {};
}

// "a.b[2].c" -> "a.b[2]" -> "a.b" -> "a" -> "".
std::string parent_path(const std::string& path) {
  const auto cut = path.find_last_of(".[");
  return cut == std::string::npos ? std::string() : path.substr(0, cut);
}

}  // namespace

void Validation::error(const FieldMarks& entry, const std::string& path,
                       const std::string& message) {
  if (failed(entry, path)) return;
  // Where the key is, or for one that is absent the nearest key around it that is there (none
  // for a config built in code, or an entry the defaults made).
  SourceMark m;
  for (std::string at = path; m.line == 0 && !at.empty(); at = parent_path(at)) {
    m = entry.find(at);
    if (m.line == 0 && &entry != &marks.file) m = marks.file.find(at);
  }
  out_.push_back(
      ConfigError{file_, m.line, m.column, path + ": " + message + defaults_note(entry)});
}

bool Validation::positive(const FieldMarks& entry, const std::string& path, std::uint64_t v) {
  if (v > 0) return true;
  error(entry, path, "must be greater than 0");
  return false;
}

bool Validation::in_range(const FieldMarks& entry, const std::string& path, std::uint64_t v,
                          std::uint64_t lo, std::uint64_t hi, std::string_view note) {
  if (v >= lo && v <= hi) return true;
  std::string message = "must be between " + std::to_string(lo) + " and " + std::to_string(hi);
  if (!note.empty()) message += " (" + std::string(note) + ")";
  error(entry, path, message + ", got " + std::to_string(v));
  return false;
}

bool Validation::readable_file(const FieldMarks& entry, const std::string& path,
                               const std::string& file) {
  std::string why;
  if (file_readable(file, &why)) return true;
  error(entry, path, "cannot read " + quote(file) + ": " + why);
  return false;
}

bool Validation::pool_exists(const FieldMarks& entry, const std::string& path,
                             const std::string& pool) {
  if (config.find_pool(pool) != nullptr) return true;
  // With no pools at all, "pools: at least one pool is required" says it already.
  if (config.pools.empty()) return false;
  std::vector<std::string> names;
  for (const auto& p : config.pools)
    if (std::find(names.begin(), names.end(), p.name) == names.end()) names.push_back(p.name);
  error(entry, path, "unknown pool " + quote(pool) + " (known: " + join(names) + ")");
  return false;
}

bool Validation::class_exists(const std::string& name) const {
  return std::any_of(config.tiers.classes.begin(), config.tiers.classes.end(),
                     [&](const TierClass& c) { return c.name == name; });
}

std::string Validation::class_names() const {
  std::vector<std::string> names;
  for (const auto& c : config.tiers.classes)
    if (std::find(names.begin(), names.end(), c.name) == names.end()) names.push_back(c.name);
  return join(names);
}

std::string Validation::line_col(SourceMark m) const {
  if (m.line == 0) return "(no position)";
  return "line " + std::to_string(m.line) + ", column " + std::to_string(m.column);
}

std::vector<ConfigError> validate_config(const Config& config, const ConfigMarks& marks,
                                         const std::string& path) {
  // Marks that do not line up with the config (e.g. a config edited in code) are replaced by
  // position-less ones rather than pointing at the wrong entry.
  const ConfigMarks blank = marks_without_positions(config);
  ConfigMarks fixed = marks;
  if (fixed.classes.size() != config.tiers.classes.size()) fixed.classes = blank.classes;
  if (fixed.routes.size() != config.routes.size()) fixed.routes = blank.routes;
  if (fixed.pools.size() != config.pools.size()) fixed.pools = blank.pools;

  std::vector<ConfigError> errors;
  Validation v(config, fixed, path, errors);
  validate_server(v);
  validate_tiers(v);
  validate_routes(v);
  validate_pools(v);
  validate_rate_limits(v);
  return errors;
}

std::vector<ConfigError> validate_config(const Config& config, const std::string& path) {
  return validate_config(config, marks_without_positions(config), path);
}

}  // namespace smart_router::config
