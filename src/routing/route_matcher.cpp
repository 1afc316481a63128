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
bool any_of(const std::vector<std::string>& list, Pred pred) {
  return std::any_of(list.begin(), list.end(), pred);
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
    : methods_(match.methods), prefixes_(match.path_prefix), exact_(match.path_exact) {
  for (const auto& t : match.tiers) {
    std::string u = t;
    for (char& c : u) c = upper(c);
    tiers_.push_back(std::move(u));
  }
  for (const auto& [name, values] : match.headers) headers_.push_back({name, values});
  for (const auto& pattern : match.path_regex) regexes_.push_back(compile(pattern));
}

bool RouteMatcher::matches(const RequestView& req) const {
  // Cheapest keys first; the regex last.
  if (!methods_.empty() && !any_of(methods_, [&](const std::string& m) { return m == req.method; }))
    return false;
  if (!tiers_.empty() &&
      !any_of(tiers_, [&](const std::string& t) { return equals_upper(t, req.tier); }))
    return false;
  if (!prefixes_.empty() &&
      !any_of(prefixes_, [&](const std::string& p) { return req.path.substr(0, p.size()) == p; }))
    return false;
  if (!exact_.empty() && !any_of(exact_, [&](const std::string& e) { return e == req.path; }))
    return false;
  if (!headers_.empty()) {
    if (req.header == nullptr) return false;
    for (const auto& rule : headers_) {
      const auto value = req.header(req.header_ctx, rule.name);
      if (!value) return false;
      if (!rule.values.empty() &&
          !any_of(rule.values, [&](const std::string& v) { return v == *value; }))
        return false;
    }
  }
  if (!regexes_.empty() &&
      std::none_of(regexes_.begin(), regexes_.end(), [&](const std::regex& re) {
        return std::regex_match(req.path.begin(), req.path.end(), re);
      }))
    return false;
  return true;
}

}  // namespace smart_router::routing
