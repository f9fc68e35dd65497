#pragma once
// A detector run on whole decoded images, for a validation the letterboxed loader cannot do: tiled
// inference (§8.2) cuts each full-resolution image into tiles. Inference lives in deploy/, so the
// job layer hands the trainer this function rather than train/ depending on deploy/.
#include <functional>
#include <vector>

#include "eval/eval_set.h"

namespace cv {
class Mat;
}
namespace torch {
namespace nn {
class Module;
}
}  // namespace torch

namespace autodet {

// Detections of each image (8-bit BGR) in its own pixels, by `model` (a YOLOv5 in eval mode, on
// the device it trains on).
using ImageDetector =
    std::function<std::vector<std::vector<eval::Detection>>(torch::nn::Module& model, const std::vector<cv::Mat>& images)>;

}  // namespace autodet
