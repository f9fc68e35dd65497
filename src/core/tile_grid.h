#pragma once
// `tile_grid_size`: how many tiles across and down an image is cut into for small-object
// detection (§8.2). Written "3x2", "3X2" or "(3, 2)" (the SDK's tuple form).
#include <optional>
#include <string>

namespace autodet {

struct TileGrid {
  int across = 0;  // tiles along the width
  int down = 0;    // tiles along the height

  std::string str() const;  // "3x2"
  bool operator==(const TileGrid& o) const { return across == o.across && down == o.down; }
};

// Nothing when the text is not two positive integers or is 1x1 (R8.4).
std::optional<TileGrid> parse_tile_grid(const std::string& text);

}  // namespace autodet
