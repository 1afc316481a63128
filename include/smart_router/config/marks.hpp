// Where each value of a parsed config came from, so later checks (validator, env overrides)
// can report errors at the right line and column. Kept beside Config, not inside it, so the
// structs stay plain.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "smart_router/config/config.hpp"

namespace smart_router::config {

// Marks of one entry (a class, a route, a pool) or of the whole file. Keys are full dotted
// paths as shown in messages, e.g. "pools.shared.endpoints[1]" or "server.listen".
struct FieldMarks {
  std::string path;            // "tiers.classes.LITE", "routes[2]", "pools.shared"; "" = file
  SourceMark self;             // where the entry starts
  bool from_defaults = false;  // filled from the contract's defaults (the key was absent)
  std::map<std::string, SourceMark> at;  // path -> mark of its value
  std::set<std::string> failed;          // paths whose value was rejected while reading

  static FieldMarks entry(std::string path, SourceMark self = {}, bool from_defaults = false) {
    FieldMarks m;
    m.path = std::move(path);
    m.self = self;
    m.from_defaults = from_defaults;
    return m;
  }

  // The mark of `p`, else of its nearest recorded ancestor, else `self`.
  SourceMark find(std::string_view p) const;
  // True when `p` or one of its ancestors was rejected (follow-up checks stay quiet).
  bool has_failed(std::string_view p) const;
};

// "a.b[2].c" -> "a.b[2]" -> "a.b" -> "a" -> "".
std::string_view parent_path(std::string_view p);

struct ConfigMarks {
  FieldMarks file;                  // everything outside classes, routes and pools
  std::vector<FieldMarks> classes;  // parallel to Config::tiers.classes
  std::vector<FieldMarks> routes;   // parallel to Config::routes
  std::vector<FieldMarks> pools;    // parallel to Config::pools
};

// Marks with only paths (no positions) for a config built in code.
ConfigMarks marks_without_positions(const Config& config);

}  // namespace smart_router::config
