// g++ 12 with -fsanitize=address,undefined reports a false -Wmaybe-uninitialized inside
// libstdc++'s regex compiler (std::function in _State). It is reported at the std header's
// location, so it has to be off before the first include.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "smart_router/routing/route_matcher.hpp"

#include <algorithm>
#include <stdexcept>

namespace smart_router::routing {
namespace {

char upper(char c) noexcept {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
}

bool equals_upper(std::string_view upper_value, std::string_view s) noexcept {
  return upper_value.size() == s.size() &&
         std::equal(upper_value.begin(), upper_value.end(), s.begin(),
                    [](char u, char c) { return u == upper(c); });
}

template <typename Pred>
const std::string* first_of(const std::vector<std::string>& list, Pred pred) {
  const auto it = std::find_if(list.begin(), list.end(), pred);
  return it == list.end() ? nullptr : &*it;
}

// "[a, b, c]", for explanations.
std::string listed(const std::vector<std::string>& values) {
  std::string out = "[";
  for (const auto& v : values) out += (out.size() > 1 ? ", " : "") + v;
  return out + "]";
}

std::regex compile(const std::string& pattern) {
  auto flags = std::regex::ECMAScript | std::regex::nosubs | std::regex::optimize;
#if defined(__GLIBCXX__)
  // libstdc++'s NFA-simulation executor: time linear in the path and stack depth bounded by
  // the pattern, not the path (its default backtracking executor recurses per character and
  // can overflow the stack on a long path). Back-references are refused in this mode.
  flags |= std::regex_constants::__polynomial;
#endif
  try {
    return std::regex(pattern, flags);
  } catch (const std::regex_error& e) {
    throw std::invalid_argument("path_regex \"" + pattern + "\": " + e.what());
  }
}

}  // namespace

RouteMatcher::RouteMatcher(const config::RouteMatch& match)
    : methods_(match.methods),
      prefixes_(match.path_prefix),
      exact_(match.path_exact),
      patterns_(match.path_regex) {
  for (const auto& t : match.tiers) {
    std::string u = t;
    for (char& c : u) c = upper(c);
    tiers_.push_back(std::move(u));
  }
  for (const auto& [name, values] : match.headers) headers_.push_back({name, values});
  for (const auto& pattern : match.path_regex) regexes_.push_back(compile(pattern));
}

const std::string* RouteMatcher::method_hit(const RequestView& req) const {
  return first_of(methods_, [&](const std::string& m) { return m == req.method; });
}

const std::string* RouteMatcher::tier_hit(const RequestView& req) const {
  return first_of(tiers_, [&](const std::string& t) { return equals_upper(t, req.tier); });
}

const std::string* RouteMatcher::prefix_hit(const RequestView& req) const {
  return first_of(prefixes_,
                  [&](const std::string& p) { return req.path.substr(0, p.size()) == p; });
}

const std::string* RouteMatcher::exact_hit(const RequestView& req) const {
  return first_of(exact_, [&](const std::string& e) { return e == req.path; });
}

const std::string* RouteMatcher::regex_hit(const RequestView& req) const {
  for (std::size_t i = 0; i < regexes_.size(); ++i)
    if (std::regex_match(req.path.begin(), req.path.end(), regexes_[i])) return &patterns_[i];
  return nullptr;
}

bool RouteMatcher::header_holds(const HeaderRule& rule, const RequestView& req) const {
  if (req.header == nullptr) return false;
  const auto value = req.header(req.header_ctx, rule.name);
  if (!value) return false;
  return rule.values.empty() ||
         first_of(rule.values, [&](const std::string& v) { return v == *value; }) != nullptr;
}

bool RouteMatcher::matches(const RequestView& req) const {
  // Cheapest keys first; the regex last.
  if (!methods_.empty() && method_hit(req) == nullptr) return false;
  if (!tiers_.empty() && tier_hit(req) == nullptr) return false;
  if (!prefixes_.empty() && prefix_hit(req) == nullptr) return false;
  if (!exact_.empty() && exact_hit(req) == nullptr) return false;
  for (const auto& rule : headers_)
    if (!header_holds(rule, req)) return false;
  if (!regexes_.empty() && regex_hit(req) == nullptr) return false;
  return true;
}

std::vector<KeyCheck> RouteMatcher::explain(const RequestView& req) const {
  std::vector<KeyCheck> out;
  // A listed key: held when `hit` is set; `what` names the request's value. `held_verb` is
  // followed by the value that held, or by the whole list when it ends in "in".
  const auto check = [&](const char* key, const std::vector<std::string>& list,
                         const std::string* hit, const std::string& what,
                         std::string_view held_verb, const char* failed_verb) {
    if (list.empty()) return;
    if (hit != nullptr) {
      const bool in = held_verb.substr(held_verb.size() - 2) == "in";
      out.push_back(
          {key, true, what + " " + std::string(held_verb) + " " + (in ? listed(list) : *hit)});
    } else {
      out.push_back({key, false, what + " " + failed_verb + " " + listed(list)});
    }
  };
  const std::string path = "path " + std::string(req.path);
  check("methods", methods_, method_hit(req), "method " + std::string(req.method), "is in",
        "is not in");
  check("tiers", tiers_, tier_hit(req), "tier " + std::string(req.tier), "is in", "is not in");
  check("path_prefix", prefixes_, prefix_hit(req), path, "starts with", "starts with none of");
  check("path_exact", exact_, exact_hit(req), path, "is", "is none of");
  for (const auto& rule : headers_) {
    const auto value = req.header != nullptr ? req.header(req.header_ctx, rule.name)
                                             : std::optional<std::string_view>{};
    std::string why = value ? rule.name + ": " + std::string(*value) : rule.name + " is absent";
    const bool held = header_holds(rule, req);
    if (value && !rule.values.empty())
      why += held ? " is listed" : " is not in " + listed(rule.values);
    if (value && rule.values.empty()) why += " (present: enough)";
    out.push_back({"headers." + rule.name, held, std::move(why)});
  }
  check("path_regex", patterns_, regex_hit(req), path, "matches", "matches none of");
  if (out.empty()) out.push_back({"(none)", true, "no match keys: every request matches"});
  return out;
}

}  // namespace smart_router::routing
