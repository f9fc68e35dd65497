#include "package/tiling.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/image_io.h"
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

Dataset with_training_tiles(const Dataset& data, const TileGrid& grid, double overlap) {
  Dataset out;
  out.declared_classes = data.declared_classes;
  out.images.reserve(data.images.size() * std::size_t(1 + grid.across * grid.down));
  for (const ImageRecord& rec : data.images) {
    out.images.push_back(rec);
    if (rec.crop) continue;  // already a part of an image
    int width = rec.width, height = rec.height;
    if (width <= 0 || height <= 0) {
      const ImageInfo info = probe_image(rec.path);
      width = info.width;
      height = info.height;
    }
    for (const TileRect& t : tile_rects(width, height, grid, overlap)) {
      ImageRecord tile = rec;
      tile.crop = ImageRecord::Crop{t.x0, t.y0, t.x1, t.y1};
      tile.width = t.x1 - t.x0;
      tile.height = t.y1 - t.y0;
      tile.boxes.clear();
      for (const Box& b : rec.boxes) {
        const double x0 = std::max(b.x0, double(t.x0)), y0 = std::max(b.y0, double(t.y0));
        const double x1 = std::min(b.x1, double(t.x1)), y1 = std::min(b.y1, double(t.y1));
        if (std::floor(x1) - std::floor(x0) <= 0 || std::floor(y1) - std::floor(y0) <= 0) continue;
        Box part = b;
        part.x0 = x0 - t.x0;
        part.y0 = y0 - t.y0;
        part.x1 = x1 - t.x0;
        part.y1 = y1 - t.y0;
        tile.boxes.push_back(part);
      }
      out.images.push_back(std::move(tile));
    }
  }
  return out;
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
