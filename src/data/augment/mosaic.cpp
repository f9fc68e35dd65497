#include "data/augment/mosaic.h"

#include <algorithm>

#include "data/augment/letterbox.h"

namespace autodet {

cv::Mat mosaic4(const std::array<MosaicPiece, 4>& pieces, int size, Rng& rng, LabeledBoxes* boxes) {
  const int s2 = 2 * size;
  const int xc = int(rng.uniform(size / 2.0, 1.5 * size));
  const int yc = int(rng.uniform(size / 2.0, 1.5 * size));
  cv::Mat canvas(s2, s2, pieces[0].image.type(), cv::Scalar::all(kPadValue));
  if (boxes) boxes->clear();
  for (int i = 0; i < 4; ++i) {
    const cv::Mat& img = pieces[i].image;
    const int w = img.cols, h = img.rows;
    // Destination rectangle on the canvas: the piece touches the centre with one corner.
    const bool right = i == 1 || i == 3, bottom = i == 2 || i == 3;
    const int x0 = right ? xc : std::max(xc - w, 0), x1 = right ? std::min(xc + w, s2) : xc;
    const int y0 = bottom ? yc : std::max(yc - h, 0), y1 = bottom ? std::min(yc + h, s2) : yc;
    // Source rectangle: the part of the piece nearest the centre.
    const int sx = right ? 0 : w - (x1 - x0), sy = bottom ? 0 : h - (y1 - y0);
    const cv::Rect dst(x0, y0, x1 - x0, y1 - y0);
    if (dst.width > 0 && dst.height > 0) img(cv::Rect(sx, sy, dst.width, dst.height)).copyTo(canvas(dst));
    if (!boxes) continue;
    const double dx = x0 - sx, dy = y0 - sy;
    for (const LabeledBox& b : pieces[i].boxes) {
      LabeledBox t{std::clamp(b.x0 + dx, double(x0), double(x1)), std::clamp(b.y0 + dy, double(y0), double(y1)),
                   std::clamp(b.x1 + dx, double(x0), double(x1)), std::clamp(b.y1 + dy, double(y0), double(y1)), b.cls};
      if (t.width() > 0 && t.height() > 0) boxes->push_back(t);
    }
  }
  return canvas;
}

}  // namespace autodet
