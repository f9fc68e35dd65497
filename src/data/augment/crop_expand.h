#pragma once
// Azure's training augmentations of the R-CNN family (R4.4): with probability p either a random
// crop around all boxes (chosen with probability p) or an expansion onto a larger canvas, then a
// horizontal flip with probability p. Validation and test only resize and normalise.
#include <opencv2/core.hpp>

#include "core/rng.h"
#include "data/augment/labeled_box.h"

namespace autodet {

// Pastes the image at a random offset on a canvas ratio ~ U(1, 2) times its size, filled with the
// ImageNet mean colour; boxes shift with it.
void expand_canvas(cv::Mat& img, LabeledBoxes& boxes, Rng& rng);

// Up to 50 tries of a crop [left, right] x [top, bottom] with left in [0, min x0], right in
// [max x1, W] (and so for y), accepted when its area is >= 0.6 W H and 0.5 < h / w < 2. Skipped
// (returns false) when a box lies outside the image, there are no boxes, or no try is accepted.
bool crop_around_boxes(cv::Mat& img, LabeledBoxes& boxes, Rng& rng);

// The whole R4.4 chain on one training image, in place.
void rcnn_train_augment(cv::Mat& img, LabeledBoxes& boxes, double p, Rng& rng);

}  // namespace autodet
