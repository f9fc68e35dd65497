#include "core/closest_name.h"

#include <algorithm>
#include <cctype>

namespace autodet {
namespace {

std::string lower(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::size_t edit_distance(const std::string& a_in, const std::string& b_in) {
  const std::string a = lower(a_in), b = lower(b_in);
  const std::size_t m = b.size();
  // Three rows of the optimal-string-alignment table: i-2, i-1, i.
  std::vector<std::size_t> before(m + 1), prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], before[j - 2] + 1);
    }
    before.swap(prev);
    prev.swap(cur);
  }
  return prev[m];
}

std::optional<std::string> closest_name(const std::string& word, const std::vector<std::string>& candidates) {
  if (word.size() > 100) return std::nullopt;  // not a typo of any name; keeps the work small
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  std::optional<std::string> best;
  std::size_t best_d = limit + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  if (best) return best;
  const std::string w = lower(word);
  if (w.size() < 4) return std::nullopt;
  for (const auto& c : candidates) {  // "epochs" -> "number_of_epochs": the shortest name containing it
    const std::string lc = lower(c);
    const bool related = lc.find(w) != std::string::npos || (lc.size() >= 4 && w.find(lc) != std::string::npos);
    if (related && (!best || c.size() < best->size())) best = c;
  }
  return best;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const auto c = closest_name(word, candidates);
  return c ? " (did you mean `" + *c + "`?)" : "";
}

}  // namespace autodet
