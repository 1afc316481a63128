#include "smart_router/config/marks.hpp"

namespace smart_router::config {

std::string_view parent_path(std::string_view p) {
  const auto cut = p.find_last_of(".[");
  return cut == std::string_view::npos ? std::string_view{} : p.substr(0, cut);
}

SourceMark FieldMarks::find(std::string_view p) const {
  for (std::string_view q = p; !q.empty(); q = parent_path(q)) {
    const auto it = at.find(std::string(q));
    if (it != at.end()) return it->second;
  }
  return self;
}

bool FieldMarks::has_failed(std::string_view p) const {
  for (std::string_view q = p; !q.empty(); q = parent_path(q))
    if (failed.count(std::string(q)) != 0) return true;
  return false;
}

ConfigMarks marks_without_positions(const Config& config) {
  ConfigMarks marks;
  for (const auto& c : config.tiers.classes)
    marks.classes.push_back(FieldMarks::entry("tiers.classes." + c.name, c.mark));
  for (std::size_t i = 0; i < config.routes.size(); ++i)
    marks.routes.push_back(
        FieldMarks::entry("routes[" + std::to_string(i) + "]", config.routes[i].mark));
  for (const auto& p : config.pools)
    marks.pools.push_back(FieldMarks::entry("pools." + p.name, p.mark));
  return marks;
}

}  // namespace smart_router::config
