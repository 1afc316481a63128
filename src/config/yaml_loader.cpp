// YAML text -> Config: the document as a whole; each section is read in yaml_<section>.cpp.
#include "smart_router/config/yaml_loader.hpp"

#include <yaml-cpp/eventhandler.h>

#include <optional>
#include <sstream>

#include "smart_router/config/defaults.hpp"
#include "yaml_sections.hpp"

namespace smart_router::config {

namespace {

// Where each document starts. yaml-cpp 0.7 never consumes a stray ',' outside a flow
// collection: YAML::LoadAll then returns empty documents at the same place forever (found by
// fuzz_config_loader), so documents are counted first and one that does not move on is an error.
struct DocumentStarts final : YAML::EventHandler {
  std::vector<YAML::Mark> marks;
  void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// The start of each document, or nullopt with the place the parser is stuck in `stuck`.
std::optional<std::vector<YAML::Mark>> document_starts(const std::string& text, YAML::Mark& stuck) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts starts;
  while (parser.HandleNextDocument(starts)) {
    const auto n = starts.marks.size();
    if (n >= 2 && starts.marks[n - 1].pos == starts.marks[n - 2].pos) {
      stuck = starts.marks[n - 1];
      return std::nullopt;
    }
  }
  return starts.marks;
}

bool load_document(std::string_view text, const std::string& path, YAML::Node& root,
                   std::vector<ConfigError>& errors) {
  const std::string owned(text);
  std::vector<YAML::Node> docs;
  try {
    YAML::Mark stuck;
    if (!document_starts(owned, stuck)) {
      const auto m = yaml::to_source_mark(stuck);
      errors.push_back(
          {path, m.line, m.column,
           "invalid YAML: cannot parse past this point (a ',' outside [...] or {...}?)"});
      return false;
    }
    docs = YAML::LoadAll(owned);
  } catch (const YAML::ParserException& e) {
    const auto m = yaml::to_source_mark(e.mark);
    errors.push_back({path, m.line, m.column, "invalid YAML: " + e.msg});
    return false;
  } catch (const YAML::Exception& e) {
    errors.push_back({path, 1, 1, std::string("invalid YAML: ") + e.what()});
    return false;
  }
  if (docs.empty() || (docs.size() == 1 && docs[0].IsNull())) {
    errors.push_back({path, 1, 1, "the config file is empty"});
    return false;
  }
  if (docs.size() > 1) {
    const auto m = yaml::to_source_mark(docs[1].Mark());
    errors.push_back({path, m.line, m.column,
                      "expected one YAML document, found " + std::to_string(docs.size())});
    return false;
  }
  root = docs[0];
  if (!root.IsMap()) {
    const auto m = yaml::to_source_mark(root.Mark());
    errors.push_back({path, m.line, m.column,
                      "the config must be a mapping of sections (server, tiers, routes, "
                      "pools, ...), got " +
                          yaml::describe(root)});
    return false;
  }
  return true;
}

}  // namespace

ParsedConfig parse_config_yaml(std::string_view yaml_text, const std::string& path) {
  ParsedConfig out;
  YAML::Node root;
  if (!load_document(yaml_text, path, root, out.errors)) return out;
  out.document_ok = true;

  Config& c = out.config;
  ConfigMarks& marks = out.marks;
  yaml::Reader r(path, out.errors, marks.file);
  yaml::MapReader top(
      r, yaml::Field{"", YAML::Node(), root},
      {"server", "admin", "tiers", "overload", "rate_limits", "routes", "pools", "logging"});

  if (auto f = top.get("server")) yaml::load_server(r, *f, c.server);
  if (auto f = top.get("admin")) yaml::load_admin(r, *f, c.admin);
  if (auto f = top.get("overload")) yaml::load_overload(r, *f, c.overload);
  if (auto f = top.get("logging")) yaml::load_logging(r, *f, c.logging);
  if (auto f = top.get("rate_limits")) yaml::load_rate_limits(r, *f, c.rate_limits);

  // An absent `tiers` still gets the contract's classes: read it as an empty mapping.
  const auto tiers = top.get("tiers");
  yaml::load_tiers(r, tiers ? *tiers : yaml::Field{"tiers", YAML::Node(), YAML::Node()}, c.tiers,
                   marks.classes);

  if (auto f = top.get("routes")) {
    yaml::load_routes(r, *f, c.routes, marks.routes);
  } else {
    c.routes = default_routes();
    for (std::size_t i = 0; i < c.routes.size(); ++i)
      marks.routes.push_back(FieldMarks::entry("routes[" + std::to_string(i) + "]", {}, true));
  }

  if (auto f = top.get("pools")) yaml::load_pools(r, *f, c.pools, marks.pools);
  return out;
}

}  // namespace smart_router::config
