#pragma once
// "Did you mean ...?" for misspelt keys: the known name nearest by edit distance.
#include <optional>
#include <string>
#include <vector>

namespace autodet {

// Edit distance counting insertions, deletions, substitutions and swaps of neighbours, ignoring case.
std::size_t edit_distance(const std::string& a, const std::string& b);

// The candidate closest to word, when close enough to be a likely typo (distance at most
// max(2, len/3)), or one that contains word / is contained in it (at least 4 letters).
std::optional<std::string> closest_name(const std::string& word, const std::vector<std::string>& candidates);

// " (did you mean `x`?)" or "" when nothing is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace autodet
