#include "data/augment/crop_expand.h"

#include <algorithm>
#include <cmath>

#include "data/augment/flip.h"

namespace autodet {

void expand_canvas(cv::Mat& img, LabeledBoxes& boxes, Rng& rng) {
  const double ratio = rng.uniform(1.0, 2.0);
  const int w = img.cols, h = img.rows;
  const int cw = int(std::lround(w * ratio)), ch = int(std::lround(h * ratio));
  const int left = rng.range(0, cw - w), top = rng.range(0, ch - h);
  // ImageNet's mean colour in the image's channel order (the loader's images are BGR).
  cv::Mat canvas(ch, cw, img.type(), cv::Scalar(0.406 * 255, 0.456 * 255, 0.485 * 255));
  img.copyTo(canvas(cv::Rect(left, top, w, h)));
  img = canvas;
  for (LabeledBox& b : boxes) b.x0 += left, b.x1 += left, b.y0 += top, b.y1 += top;
}

bool crop_around_boxes(cv::Mat& img, LabeledBoxes& boxes, Rng& rng) {
  if (boxes.empty()) return false;
  const double W = img.cols, H = img.rows;
  double x0 = W, y0 = H, x1 = 0, y1 = 0;
  for (const LabeledBox& b : boxes) {
    if (b.x0 < 0 || b.y0 < 0 || b.x1 > W || b.y1 > H) return false;
    x0 = std::min(x0, b.x0), y0 = std::min(y0, b.y0), x1 = std::max(x1, b.x1), y1 = std::max(y1, b.y1);
  }
  for (int attempt = 0; attempt < 50; ++attempt) {
    const int left = int(std::floor(rng.uniform(0, x0))), top = int(std::floor(rng.uniform(0, y0)));
    const int right = int(std::ceil(rng.uniform(x1, W))), bottom = int(std::ceil(rng.uniform(y1, H)));
    const int w = right - left, h = bottom - top;
    if (w <= 0 || h <= 0 || double(w) * h < 0.6 * W * H) continue;
    const double aspect = double(h) / w;
    if (aspect <= 0.5 || aspect >= 2.0) continue;
    img = img(cv::Rect(left, top, w, h)).clone();
    for (LabeledBox& b : boxes) b.x0 -= left, b.x1 -= left, b.y0 -= top, b.y1 -= top;
    return true;
  }
  return false;
}

void rcnn_train_augment(cv::Mat& img, LabeledBoxes& boxes, double p, Rng& rng) {
  if (rng.chance(p)) {
    if (rng.chance(p)) crop_around_boxes(img, boxes, rng);
    else expand_canvas(img, boxes, rng);
  }
  random_flip_horizontal(img, boxes, p, rng);
}

}  // namespace autodet
