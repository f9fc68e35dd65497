#pragma once
// Small-object detection by tiling (spec §8.2): an image is also cut into overlapping tiles, the
// model runs on the whole image and on every tile, and the boxes are merged. The geometry and the
// merge are here; deploy/predictor runs the model.
#include <vector>

#include "core/tile_grid.h"
#include "data/dataset.h"
#include "package/detection.h"

namespace autodet {

// A tile in pixels of its image: [x0, x1) x [y0, y1).
struct TileRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool operator==(const TileRect& o) const { return x0 == o.x0 && y0 == o.y0 && x1 == o.x1 && y1 == o.y1; }
};

// The tiles of a width x height image (R8.5): tile size W / (r + (1 - r) * across) by
// H / (r + (1 - r) * down), origins stepping by (1 - r) tile sizes, x-major order, corners rounded
// half to even. overlap r in [0, 1).
std::vector<TileRect> tile_rects(int width, int height, const TileGrid& grid, double overlap);

// Training with tiles (R8.6): every image of `data` and, after it, each of its tiles as a record
// of its own (ImageRecord::crop). A box is intersected with each tile and kept when the
// intersection, with its corners floored, still has an area; it is re-expressed in the tile's
// pixels and keeps its crowd flag. Images whose size the records lack are probed (header only).
Dataset with_training_tiles(const Dataset& data, const TileGrid& grid, double overlap);

// A detection in pixels of the whole image, with the tile it came from (0: the whole image,
// i + 1: tile_rects()[i]).
struct TileDetection {
  Detection det;
  int tile = 0;
};

// Merges the boxes of an image and its tiles (R8.7): by decreasing score, a box is dropped when a
// kept box of the same class from a different tile overlaps it with IoU above iou_threshold.
// Returns the kept boxes by decreasing score.
ImageDetections merge_tile_detections(std::vector<TileDetection> detections, double iou_threshold);

}  // namespace autodet
