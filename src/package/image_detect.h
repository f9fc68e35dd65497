#pragma once
// Runs any detector on decoded images (spec §7.5): every image, and with tiling every tile (§8.2),
// is prepared as the family's preprocessing says (letterboxed or stretched to its input size);
// they go through the model in batches; boxes are mapped back to each image's pixels and tiles
// are merged. Validation (tiled evaluation), `predict` and `serve` all call this.
#include <cstdint>
#include <functional>
#include <vector>

#include <opencv2/core.hpp>
#include <torch/types.h>

#include "package/detection.h"
#include "package/inference_settings.h"
#include "models/detector.h"

namespace autodet {

// How many forward passes ran, on how many inputs (images plus tiles).
struct ForwardStats {
  std::int64_t passes = 0;
  std::int64_t inputs = 0;
};

// A model as detect_images runs it: how its inputs are resized, and a batch of inputs ((B, 3, S, S)
// float RGB in [0, 1]) to detections in input pixels, per input (n, 6) [x0, y0, x1, y1, score,
// class]. A Detector is one; an exported ONNX file run by another runtime is another.
struct DetectionModel {
  models::Preprocess::Resize resize = models::Preprocess::Resize::letterbox;
  std::function<std::vector<torch::Tensor>(const torch::Tensor& inputs, const models::DetectOptions& options)> detect;
};
std::vector<ImageDetections> detect_images(const DetectionModel& model, const std::vector<cv::Mat>& images,
                                           const InferenceSettings& settings, const torch::Device& device,
                                           int max_batch, ForwardStats* stats = nullptr);

// Detections of `detector` on each image (8-bit BGR, gray or BGRA), in pixels of that image, by
// decreasing score. At most max_batch inputs go through the model at once; settings.img_size is
// the input size. The model must be in eval mode on `device`.
std::vector<ImageDetections> detect_images(models::Detector& detector, const std::vector<cv::Mat>& images,
                                           const InferenceSettings& settings, const torch::Device& device,
                                           int max_batch, ForwardStats* stats = nullptr);

}  // namespace autodet
