// load_config_*: read -> parse -> env overrides -> validate, all errors together.
#include "smart_router/config/loader.hpp"

#include <algorithm>

#include "file_io.hpp"
#include "smart_router/config/env_overrides.hpp"
#include "smart_router/config/validator.hpp"
#include "smart_router/config/yaml_loader.hpp"

namespace smart_router::config {

namespace {

void append(std::vector<ConfigError>& to, std::vector<ConfigError> from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

// File errors in file order, then those without a position (env variables, absent keys).
void sort_errors(std::vector<ConfigError>& errors) {
  std::stable_sort(errors.begin(), errors.end(), [](const ConfigError& a, const ConfigError& b) {
    const bool a_placed = a.line > 0, b_placed = b.line > 0;
    if (a_placed != b_placed) return a_placed;
    if (!a_placed) return false;
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
}

}  // namespace

LoadResult load_config_string(std::string_view yaml, const std::string& path,
                              const EnvLookup& env) {
  LoadResult result;
  ParsedConfig parsed = parse_config_yaml(yaml, path);
  result.errors = std::move(parsed.errors);
  if (!parsed.document_ok) return result;

  std::vector<ConfigError> env_errors = apply_env_overrides(parsed.config, &parsed.marks, env);
  append(result.errors, validate_config(parsed.config, parsed.marks, path));
  sort_errors(result.errors);
  // An error with no key to point at (an absent section, an entry the defaults made) points at
  // the file's start, after the others: every error of a file reads PATH:LINE:COL.
  for (auto& e : result.errors) {
    if (e.line > 0) continue;
    e.line = 1;
    e.column = 1;
  }
  append(result.errors, std::move(env_errors));
  if (result.errors.empty()) result.config = std::move(parsed.config);
  return result;
}

LoadResult load_config_file(const std::string& path, const EnvLookup& env) {
  std::string why;
  auto text = read_whole_file(path, &why);
  if (!text) {
    LoadResult result;
    result.errors.push_back(ConfigError{path, 1, 1, "cannot read file: " + why});
    return result;
  }
  return load_config_string(*text, path, env);
}

}  // namespace smart_router::config
