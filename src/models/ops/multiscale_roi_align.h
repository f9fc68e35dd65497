#pragma once
// torchvision's MultiScaleRoIAlign over FPN levels: each box is pooled from level
// floor(4 + log2(sqrt(area) / 224) + 1e-6), clamped to the levels given, at that level's scale
// (feature size / largest image size, rounded to a power of two), with RoIAlign (aligned=false).
#include <cstdint>
#include <utility>
#include <vector>

#include <torch/types.h>

namespace autodet::models {

struct MultiScaleRoIAlign {
  int output_size = 7;
  int sampling_ratio = 2;
  int canonical_scale = 224;
  int canonical_level = 4;

  // features: the levels to pool from (B, C, H_l, W_l); boxes: per image (n_i, 4) xyxy in
  // resized-image pixels; image_sizes: (h, w) of each resized image before padding.
  // Returns (sum n_i, C, output_size, output_size).
  torch::Tensor operator()(const std::vector<torch::Tensor>& features, const std::vector<torch::Tensor>& boxes,
                           const std::vector<std::pair<std::int64_t, std::int64_t>>& image_sizes) const;
};

}  // namespace autodet::models
