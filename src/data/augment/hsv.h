#pragma once
// YOLOv5's colour-space augmentation: hue, saturation and value each multiplied by a random gain
// 1 + U(-1, 1) * gain, applied through lookup tables in OpenCV's 8-bit HSV (hue 0..179, wrapped).
#include <opencv2/core.hpp>

#include "core/rng.h"

namespace autodet {

struct HsvGains {
  double h = 0.015, s = 0.7, v = 0.4;  // YOLOv5's hyp.scratch defaults
};

// Augments a BGR 8-bit image in place. All gains 0: the image is left untouched (no draws).
void augment_hsv(cv::Mat& bgr, const HsvGains& gains, Rng& rng);

}  // namespace autodet
