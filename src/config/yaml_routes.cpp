// routes section: ordered list of {name, match, one action}.
#include "text.hpp"
#include "yaml_sections.hpp"

namespace smart_router::config::yaml {

namespace {

void load_headers(Reader& r, const Field& f, std::map<std::string, std::vector<std::string>>& out) {
  auto entries = r.entries(f);
  if (!entries) return;
  for (const auto& e : *entries) {
    std::vector<std::string> values;
    r.note(e);
    if (r.read(e, values)) out[e.key.Scalar()] = std::move(values);
  }
}

void load_match(Reader& r, const Field& f, RouteMatch& out) {
  MapReader m(r, f, {"path_prefix", "path_exact", "path_regex", "methods", "headers", "tiers"});
  m.read("path_prefix", out.path_prefix);
  m.read("path_exact", out.path_exact);
  m.read("path_regex", out.path_regex);
  if (m.read("methods", out.methods)) upper_all(out.methods);
  if (m.read("tiers", out.tiers)) upper_all(out.tiers);
  if (auto headers = m.get("headers")) load_headers(r, *headers, out.headers);
}

void load_respond(Reader& r, const Field& f, RespondAction& out) {
  MapReader m(r, f, {"status", "error"});
  m.read("status", out.status);
  m.read("error", out.error);
}

// Exactly one of pool / tier_pool: true / respond.
void load_action(Reader& r, MapReader& m, Route& out) {
  std::vector<Field> actions;
  for (const char* key : {"pool", "tier_pool", "respond"})
    if (auto a = m.get(key)) actions.push_back(*a);
  const Field& route = m.field();
  if (actions.empty()) {
    r.marks().failed.insert(route.path + ".pool");
    r.error(route.value_mark(), route.path +
                                    ": no action; set exactly one of pool: NAME, tier_pool: true, "
                                    "respond: {status, error}");
    return;
  }
  for (std::size_t i = 1; i < actions.size(); ++i) {
    const auto key = actions[i].key.Scalar();
    r.error(actions[i].key_mark(), route.path + ": more than one action (" +
                                       actions[0].key.Scalar() + " and " + key +
                                       "); a route has exactly one");
  }
  const Field& a = actions[0];
  const std::string key = a.key.Scalar();
  if (key == "pool") {
    out.action = RouteActionKind::pool;
    r.read(a, out.pool);
  } else if (key == "tier_pool") {
    out.action = RouteActionKind::tier_pool;
    bool on = true;
    if (r.read(a, on) && !on)
      r.reject(a, "must be true (to send elsewhere, use pool: NAME or respond instead)");
  } else {
    out.action = RouteActionKind::respond;
    load_respond(r, a, out.respond);
  }
}

}  // namespace

void load_routes(Reader& r, const Field& f, std::vector<Route>& out,
                 std::vector<FieldMarks>& route_marks) {
  auto items = r.items(f);
  if (!items) return;
  FieldMarks& file_marks = r.marks();
  for (const auto& item : *items) {
    Route route;
    route.mark = item.value_mark();
    FieldMarks fm = FieldMarks::entry(item.path, route.mark);
    r.set_marks(fm);
    MapReader m(r, item, {"name", "match", "pool", "tier_pool", "respond"});
    if (m.ok()) {
      if (m.require("name")) m.read("name", route.name);
      if (auto match = m.get("match")) load_match(r, *match, route.match);
      load_action(r, m, route);
    }
    r.set_marks(file_marks);
    if (!m.ok()) continue;
    out.push_back(std::move(route));
    route_marks.push_back(std::move(fm));
  }
}

}  // namespace smart_router::config::yaml
