#pragma once
// Pictures of predictions (spec R7.8): each box framed in its class's colour, with
// "label 0.93" on a filled background above it, sized to the image.
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "package/detection.h"

namespace autodet {

// A colour per class index, distinct for neighbouring indices (hue steps of the golden angle).
cv::Scalar class_colour(int cls);

// A copy of image (8-bit BGR) with the detections (normalized corners) drawn on it.
cv::Mat draw_detections(const cv::Mat& image, const ImageDetections& detections, const std::vector<std::string>& labels);

}  // namespace autodet
