#pragma once
// YOLOv5's random_perspective without the perspective part: a random rotation, zoom, shear and
// translation about the image centre, optionally cropping a border off (mosaic: border = -size/2
// turns the 2s x 2s canvas back into s x s). Boxes are transformed (corners), clipped and filtered
// with box_candidate; the image is warped with INTER_LINEAR, grey 114 outside.
#include <opencv2/core.hpp>

#include "core/rng.h"
#include "data/augment/labeled_box.h"

namespace autodet {

// Ranges of the random draws. The defaults are Azure's fixed YOLO hyper-parameters (spec §4.4).
struct AffineParams {
  double degrees = 0;    // rotation uniform in [-degrees, degrees]
  double translate = 0;  // shift uniform in [-translate, translate] x output size
  double scale = 0.5;    // zoom uniform in [1 - scale, 1 + scale]
  double shear = 0;      // shear angles (degrees) uniform in [-shear, shear]

  static AffineParams identity() { return AffineParams{0, 0, 0, 0}; }
};

// Returns the transformed image of size (cols + 2*border) x (rows + 2*border); updates boxes.
// With scale 1, no rotation/shear/translation and border 0 the image is returned unchanged (shared).
cv::Mat random_affine(const cv::Mat& img, LabeledBoxes& boxes, const AffineParams& params, int border, Rng& rng);

}  // namespace autodet
