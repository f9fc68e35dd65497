#pragma once
// Horizontal flip of an image and its boxes (x' = W - x, corners swapped).
#include <opencv2/core.hpp>

#include "core/rng.h"
#include "data/augment/labeled_box.h"

namespace autodet {

// Flips in place.
void flip_horizontal(cv::Mat& img, LabeledBoxes& boxes);

// Flips with probability p (YOLOv5 fliplr = 0.5); one draw either way. Returns whether it flipped.
bool random_flip_horizontal(cv::Mat& img, LabeledBoxes& boxes, double p, Rng& rng);

}  // namespace autodet
