#pragma once
// The post-processing torchvision's dense detectors (RetinaNet, FCOS) share: per level, the
// (location, class) candidates scoring above the threshold, at most top-k of them, decoded and
// clipped to the image; then class-wise NMS over all levels and the best `detections` kept.
#include <cstdint>
#include <functional>
#include <vector>

#include <torch/types.h>

namespace autodet::models {

// A dense head's per-level outputs (B, A * width, H, W) -> (B, H * W * A, width), levels
// concatenated: the order the anchor generator lists anchors in.
torch::Tensor flatten_dense_output(const std::vector<torch::Tensor>& per_level, std::int64_t width);

struct DenseDetectionSettings {
  double score_thresh = 0.05, nms_thresh = 0.5;
  std::int64_t topk_candidates = 1000, detections = 100;
};

// level_scores[l]: (N_l, K) scores of one image's level-l locations; decode(l, locations) the
// (n, 4) xyxy boxes of those level-l locations. Returns (n, 6) [x0, y0, x1, y1, score, class]
// in the coordinates decode gives, clipped to image_h x image_w, best first.
torch::Tensor dense_detections(const std::vector<torch::Tensor>& level_scores,
                               const std::function<torch::Tensor(std::size_t, const torch::Tensor&)>& decode,
                               std::int64_t image_h, std::int64_t image_w, const DenseDetectionSettings& settings);

}  // namespace autodet::models
