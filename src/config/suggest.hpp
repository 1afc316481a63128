// "did you mean" suggestions for misspelt keys and names.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smart_router::config {

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
// adjacent characters each cost 1 ("tiemout" -> "timeout" is 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be a likely typo (distance at most
// max(1, |word| / 3), or one is a prefix of the other of at least 3 characters); ties go to the
// earlier candidate. Comparison is case-insensitive.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

}  // namespace smart_router::config
