#include "deploy/tiling.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "eval/iou.h"

namespace autodet {
namespace {

// Origins 0, step, 2 step, ... : the first `count` below `extent`.
std::vector<double> origins(double extent, double step, int count) {
  std::vector<double> out;
  for (int i = 0; i < count; ++i) {
    const double o = i * step;
    if (o >= extent) break;
    out.push_back(o);
  }
  return out;
}

int round_even(double v) { return int(std::nearbyint(v)); }  // default rounding mode: half to even

eval::XYWH xywh(const Detection& d) { return eval::XYWH{d.x0, d.y0, d.x1 - d.x0, d.y1 - d.y0}; }

}  // namespace

std::vector<TileRect> tile_rects(int width, int height, const TileGrid& grid, double overlap) {
  if (width <= 0 || height <= 0) throw UsageError("tile_rects: the image has no pixels");
  if (grid.across < 1 || grid.down < 1) throw UsageError("tile_grid_size must be two positive integers");
  if (!(overlap >= 0 && overlap < 1)) throw UsageError("tile_overlap_ratio must be in [0, 1)");
  const double tile_w = width / (overlap + (1 - overlap) * grid.across);
  const double tile_h = height / (overlap + (1 - overlap) * grid.down);
  std::vector<TileRect> tiles;
  for (double x : origins(width, (1 - overlap) * tile_w, grid.across))
    for (double y : origins(height, (1 - overlap) * tile_h, grid.down))
      tiles.push_back(TileRect{round_even(x), round_even(y), std::min(width, round_even(x + tile_w)),
                               std::min(height, round_even(y + tile_h))});
  return tiles;
}

ImageDetections merge_tile_detections(std::vector<TileDetection> dets, double iou_threshold) {
  std::stable_sort(dets.begin(), dets.end(), [](const TileDetection& a, const TileDetection& b) { return a.det.score > b.det.score; });
  std::vector<char> dropped(dets.size(), 0);
  ImageDetections kept;
  for (std::size_t i = 0; i < dets.size(); ++i) {
    if (dropped[i]) continue;
    kept.push_back(dets[i].det);
    const eval::XYWH a = xywh(dets[i].det);
    for (std::size_t j = i + 1; j < dets.size(); ++j)
      if (!dropped[j] && dets[j].det.cls == dets[i].det.cls && dets[j].tile != dets[i].tile &&
          eval::box_iou(a, xywh(dets[j].det), false) > iou_threshold)
        dropped[j] = 1;
  }
  return kept;
}

}  // namespace autodet
