#include "yaml_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "suggest.hpp"
#include "text.hpp"

namespace smart_router::config::yaml {

SourceMark to_source_mark(const YAML::Mark& m) {
  if (m.line < 0 || m.column < 0) return {};
  return SourceMark{m.line + 1, m.column + 1};
}

std::string describe(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return quote(n.Scalar());
    default:
      return "nothing (null)";
  }
}

SourceMark Field::key_mark() const {
  if (key && key.IsDefined() && !key.IsNull()) {
    const auto m = to_source_mark(key.Mark());
    if (m.line > 0) return m;
  }
  return value ? to_source_mark(value.Mark()) : SourceMark{};
}

SourceMark Field::value_mark() const {
  if (value && value.IsDefined() && !value.IsNull()) {
    const auto m = to_source_mark(value.Mark());
    if (m.line > 0) return m;
  }
  return key_mark();
}

Field Field::child(std::string_view name, const YAML::Node& k, const YAML::Node& v) const {
  return Field{path.empty() ? std::string(name) : path + "." + std::string(name), k, v};
}

Field Field::item(std::size_t index, const YAML::Node& v) const {
  return Field{path + "[" + std::to_string(index) + "]", YAML::Node(), v};
}

void Reader::error(SourceMark at, std::string message) {
  errors_.push_back(ConfigError{file_, at.line, at.column, std::move(message)});
}

void Reader::reject(const Field& f, const std::string& message) {
  marks_->failed.insert(f.path);
  error(f.value_mark(), f.path + ": " + message);
}

void Reader::expected(const Field& f, std::string_view what) {
  reject(f, "expected " + std::string(what) + ", got " + describe(f.value));
}

void Reader::note(const Field& f) {
  // A mapping or list is best pointed at by its key (its own mark is its first child's).
  const bool collection = f.value.IsMap() || f.value.IsSequence();
  marks_->at[f.path] = collection ? f.key_mark() : f.value_mark();
}

bool Reader::read(const Field& f, std::string& out) {
  if (!f.value.IsScalar()) {
    expected(f, "a string");
    return false;
  }
  out = f.value.Scalar();
  return true;
}

bool Reader::read(const Field& f, bool& out) {
  bool v = false;
  if (!f.value.IsScalar() || !YAML::convert<bool>::decode(f.value, v)) {
    expected(f, "true or false");
    return false;
  }
  out = v;
  return true;
}

bool Reader::read(const Field& f, int& out) {
  if (f.value.IsScalar()) {
    const std::string& s = f.value.Scalar();
    int v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (!s.empty() && ec == std::errc{} && ptr == s.data() + s.size()) {
      out = v;
      return true;
    }
  }
  expected(f, "an integer");
  return false;
}

bool Reader::read_unsigned(const Field& f, std::uint64_t max, std::uint64_t& out) {
  if (f.value.IsScalar()) {
    const std::string& s = f.value.Scalar();
    const bool digits =
        !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    std::uint64_t v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (digits && ec == std::errc::result_out_of_range) {
      expected(f, "an unsigned integer up to " + std::to_string(max));
      return false;
    }
    if (digits && ec == std::errc{} && ptr == s.data() + s.size()) {
      if (v > max) {
        expected(f, "an unsigned integer up to " + std::to_string(max));
        return false;
      }
      out = v;
      return true;
    }
  }
  expected(f, "an unsigned integer");
  return false;
}

bool Reader::read(const Field& f, std::uint32_t& out) {
  std::uint64_t v = 0;
  if (!read_unsigned(f, std::numeric_limits<std::uint32_t>::max(), v)) return false;
  out = static_cast<std::uint32_t>(v);
  return true;
}

bool Reader::read(const Field& f, std::uint64_t& out) {
  return read_unsigned(f, std::numeric_limits<std::uint64_t>::max(), out);
}

bool Reader::read(const Field& f, double& out) {
  if (f.value.IsScalar()) {
    const std::string& s = f.value.Scalar();
    double v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (!s.empty() && ec == std::errc{} && ptr == s.data() + s.size() && std::isfinite(v)) {
      out = v;
      return true;
    }
  }
  expected(f, "a number");
  return false;
}

bool Reader::read(const Field& f, std::vector<std::string>& out) {
  if (f.value.IsScalar()) {
    out = {f.value.Scalar()};
    return true;
  }
  auto list = items(f);
  if (!list) return false;
  std::vector<std::string> values;
  bool ok = true;
  for (const auto& item : *list) {
    std::string s;
    if (read(item, s))
      values.push_back(std::move(s));
    else
      ok = false;
  }
  if (ok) out = std::move(values);
  return ok;
}

bool Reader::read(const Field& f, std::vector<std::uint32_t>& out) {
  std::vector<std::uint32_t> values;
  bool ok = true;
  if (f.value.IsScalar()) {
    values.emplace_back();
    ok = read(f, values.back());
  } else {
    auto list = items(f);
    if (!list) return false;
    for (const auto& item : *list) {
      std::uint32_t v = 0;
      if (read(item, v))
        values.push_back(v);
      else
        ok = false;
    }
  }
  if (ok) out = std::move(values);
  return ok;
}

void Reader::bad_choice(const Field& f, const std::string& got,
                        const std::vector<std::string_view>& names) {
  std::vector<std::string> candidates(names.begin(), names.end());
  std::string message = "unknown value " + quote(got) + " (expected one of: " + join(names);
  if (auto near = closest_match(got, candidates)) message += "; did you mean " + quote(*near) + "?";
  reject(f, message + ")");
}

std::optional<std::vector<Field>> Reader::items(const Field& f) {
  if (f.value.IsNull()) return std::vector<Field>{};
  if (!f.value.IsSequence()) {
    expected(f, "a list");
    return std::nullopt;
  }
  std::vector<Field> out;
  for (std::size_t i = 0; i < f.value.size(); ++i) {
    out.push_back(f.item(i, f.value[i]));
    note(out.back());
  }
  return out;
}

std::optional<std::vector<Field>> Reader::entries(const Field& f) {
  if (f.value.IsNull()) return std::vector<Field>{};
  if (!f.value.IsMap()) {
    expected(f, "a mapping of name to settings");
    return std::nullopt;
  }
  std::vector<Field> out;
  for (const auto& kv : f.value) {
    Field entry = f.child(kv.first.IsScalar() ? kv.first.Scalar() : "?", kv.first, kv.second);
    if (!kv.first.IsScalar() || kv.first.Scalar().empty()) {
      error(entry.key_mark(),
            f.path + ": names must be non-empty strings, got " + describe(kv.first));
      continue;
    }
    out.push_back(std::move(entry));
  }
  return out;
}

MapReader::MapReader(Reader& r, const Field& f, std::vector<std::string_view> known)
    : reader_(r), field_(f) {
  if (f.value.IsNull()) {
    ok_ = true;
    return;
  }
  if (!f.value.IsMap()) {
    r.expected(f, "a mapping");
    return;
  }
  ok_ = true;
  const std::vector<std::string> candidates(known.begin(), known.end());
  for (const auto& kv : f.value) {
    const std::string name = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    Field child = f.child(name, kv.first, kv.second);
    const std::string where = f.path.empty() ? "at top level" : "in " + f.path;
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string message =
          "unknown key " + (kv.first.IsScalar() ? quote(name) : describe(kv.first)) + " " + where;
      if (auto near = closest_match(name, candidates))
        message += " (did you mean " + quote(*near) + "?)";
      else
        message += " (expected one of: " + join(known) + ")";
      r.error(child.key_mark(), message);
      continue;
    }
    const auto first = std::find_if(known_.begin(), known_.end(),
                                    [&](const Field& k) { return k.path == child.path; });
    if (first != known_.end()) {
      const auto m = first->key_mark();
      r.error(child.key_mark(), "duplicate key " + quote(name) + " " + where + " (first at line " +
                                    std::to_string(m.line) + ", column " +
                                    std::to_string(m.column) + ")");
      continue;
    }
    r.note(child);
    known_.push_back(std::move(child));
  }
}

std::optional<Field> MapReader::get(std::string_view key) const {
  const std::string path =
      field_.path.empty() ? std::string(key) : field_.path + "." + std::string(key);
  for (const auto& f : known_)
    if (f.path == path) return f;
  return std::nullopt;
}

bool MapReader::require(std::string_view key) {
  if (!ok_ || has(key)) return true;
  const std::string path =
      field_.path.empty() ? std::string(key) : field_.path + "." + std::string(key);
  reader_.marks().failed.insert(path);
  reader_.error(field_.key_mark(), field_.path + ": missing required key " + quote(key));
  return false;
}

}  // namespace smart_router::config::yaml
