#pragma once
// YOLOv5's 4-image mosaic: the pieces are placed around a random centre (xc, yc) uniform in
// [size/2, 3*size/2] on a 2*size x 2*size canvas filled with grey 114 (top-left, top-right,
// bottom-left, bottom-right), each cut where it would leave the canvas. Follow it with
// random_affine(..., border = -size/2, ...) to get back to size x size.
#include <array>

#include <opencv2/core.hpp>

#include "core/rng.h"
#include "data/augment/labeled_box.h"

namespace autodet {

// One image of a mosaic (BGR, usually resized so its long side is `size`) and its boxes.
struct MosaicPiece {
  cv::Mat image;
  LabeledBoxes boxes;
};

// Returns the canvas; *boxes receives the pieces' boxes in canvas pixels, clipped to the visible
// part of their piece, without empty ones. Draws the centre from rng (x first, then y).
cv::Mat mosaic4(const std::array<MosaicPiece, 4>& pieces, int size, Rng& rng, LabeledBoxes* boxes);

}  // namespace autodet
