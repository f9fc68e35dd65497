#include "core/tile_grid.h"

#include <cctype>
#include <vector>

#include "core/value_words.h"

namespace autodet {

std::string TileGrid::str() const { return std::to_string(across) + "x" + std::to_string(down); }

std::optional<TileGrid> parse_tile_grid(const std::string& text) {
  std::string s;
  for (char c : text) if (!std::isspace(static_cast<unsigned char>(c))) s += c;
  if (s.size() >= 2 && ((s.front() == '(' && s.back() == ')') || (s.front() == '[' && s.back() == ']')))
    s = s.substr(1, s.size() - 2);
  std::size_t cut = s.find_first_of("xX,");
  if (cut == std::string::npos || s.find_first_of("xX,", cut + 1) != std::string::npos) return std::nullopt;
  const std::string a = s.substr(0, cut), b = s.substr(cut + 1);
  for (const std::string& part : {a, b}) {
    if (part.empty()) return std::nullopt;
    for (char c : part) if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  const auto w = parse_int_word(a), h = parse_int_word(b);
  if (!w || !h || *w < 1 || *h < 1 || (*w == 1 && *h == 1)) return std::nullopt;
  return TileGrid{*w, *h};
}

}  // namespace autodet
