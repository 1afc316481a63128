// Typed, position-aware reading of yaml-cpp nodes: every rejected value becomes a ConfigError
// at its line and column, and every accepted one leaves its mark in a FieldMarks table.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smart_router/config/loader.hpp"
#include "smart_router/config/marks.hpp"

namespace smart_router::config::yaml {

// yaml-cpp marks are 0-based (-1 = none); ours are 1-based (0 = none).
SourceMark to_source_mark(const YAML::Mark& m);

// "a mapping", "a list", "nothing (null)" or the quoted scalar, for "expected X, got Y".
std::string describe(const YAML::Node& n);

// A value in the document and its dotted path ("pools.shared.retries.on[1]").
struct Field {
  std::string path;
  YAML::Node key;  // null for list items and the document root
  YAML::Node value;

  // The key's position, or the value's when there is no key.
  SourceMark key_mark() const;
  // The value's position; its key's when the value is null (yaml-cpp puts a null's mark on
  // the following token).
  SourceMark value_mark() const;
  // Child of a mapping / item of a list.
  Field child(std::string_view name, const YAML::Node& k, const YAML::Node& v) const;
  Field item(std::size_t index, const YAML::Node& v) const;
};

class Reader {
 public:
  Reader(const std::string& file, std::vector<ConfigError>& errors, FieldMarks& marks)
      : file_(file), errors_(errors), marks_(&marks) {}

  // Marks of the entry being read (the file's, or one pool's, class's, route's).
  FieldMarks& marks() { return *marks_; }
  void set_marks(FieldMarks& marks) { marks_ = &marks; }

  void error(SourceMark at, std::string message);
  // "PATH: message" at the value, and PATH recorded as failed.
  void reject(const Field& f, const std::string& message);
  // "PATH: expected WHAT, got ..." via reject().
  void expected(const Field& f, std::string_view what);
  // Records where the value is under its path (a collection's key, a scalar's value).
  void note(const Field& f);

  // Each returns false (and reports) when the value is not acceptable; `out` is then untouched.
  bool read(const Field& f, std::string& out);
  bool read(const Field& f, bool& out);
  bool read(const Field& f, int& out);
  bool read(const Field& f, std::uint32_t& out);
  bool read(const Field& f, std::uint64_t& out);
  // A finite decimal number ("10", "0.5", "1e3").
  bool read(const Field& f, double& out);
  // A list of scalars; a lone scalar counts as a one-item list.
  bool read(const Field& f, std::vector<std::string>& out);
  bool read(const Field& f, std::vector<std::uint32_t>& out);

  // An enum spelt as one of `names`; `parse` maps a spelling to the value.
  template <class E, class Parse>
  bool read_enum(const Field& f, E& out, Parse parse, const std::vector<std::string_view>& names) {
    std::string s;
    if (!read(f, s)) return false;
    if (auto v = parse(s)) {
      out = *v;
      return true;
    }
    bad_choice(f, s, names);
    return false;
  }
  void bad_choice(const Field& f, const std::string& got,
                  const std::vector<std::string_view>& names);

  // Items of a list (reports anything else; null = empty list).
  std::optional<std::vector<Field>> items(const Field& f);
  // Entries of a NAME -> settings mapping, in file order, duplicates kept (the validator
  // reports them). Each entry's path is "PARENT.NAME" (null = empty mapping).
  std::optional<std::vector<Field>> entries(const Field& f);

 private:
  bool read_unsigned(const Field& f, std::uint64_t max, std::uint64_t& out);

  const std::string& file_;
  std::vector<ConfigError>& errors_;
  FieldMarks* marks_;
};

// One mapping with a fixed set of keys. Reports a non-mapping value (null counts as empty),
// unknown keys (with a "did you mean") and repeated keys.
class MapReader {
 public:
  MapReader(Reader& r, const Field& f, std::vector<std::string_view> known);

  bool ok() const { return ok_; }
  const Field& field() const { return field_; }
  std::optional<Field> get(std::string_view key) const;
  bool has(std::string_view key) const { return get(key).has_value(); }

  // Reads `key` into `out` when present (a missing key keeps the struct default).
  template <class T>
  bool read(std::string_view key, T& out) {
    if (auto f = get(key)) return reader_.read(*f, out);
    return false;
  }
  template <class E, class Parse>
  bool read_enum(std::string_view key, E& out, Parse parse,
                 const std::vector<std::string_view>& names) {
    if (auto f = get(key)) return reader_.read_enum(*f, out, parse, names);
    return false;
  }
  // Reports "PATH: missing required key "KEY"" at the mapping when absent.
  bool require(std::string_view key);

 private:
  Reader& reader_;
  Field field_;
  bool ok_ = false;
  std::vector<Field> known_;  // present keys, first occurrence only
};

}  // namespace smart_router::config::yaml
