#include "data/augment/flip.h"

namespace autodet {

void flip_horizontal(cv::Mat& img, LabeledBoxes& boxes) {
  cv::flip(img, img, 1);
  const double w = img.cols;
  for (LabeledBox& b : boxes) {
    const double x0 = w - b.x1, x1 = w - b.x0;
    b.x0 = x0, b.x1 = x1;
  }
}

bool random_flip_horizontal(cv::Mat& img, LabeledBoxes& boxes, double p, Rng& rng) {
  if (!rng.chance(p)) return false;
  flip_horizontal(img, boxes);
  return true;
}

}  // namespace autodet
