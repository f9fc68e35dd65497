#pragma once
// torchvision's GeneralizedRCNNTransform on a batch of equal-sized images: ImageNet
// normalisation, bilinear resize by min(min_size / shorter side, max_size / longer side) (R4.1),
// zero padding to a multiple of 32; and boxes mapped to the resized image and back.
#include <cstdint>
#include <utility>
#include <vector>

#include <torch/types.h>

namespace autodet::models {

struct RcnnTransform {
  int min_size = 600;
  int max_size = 1333;
  int size_divisible = 32;
  std::vector<float> mean{0.485f, 0.456f, 0.406f};
  std::vector<float> std{0.229f, 0.224f, 0.225f};

  struct Batch {
    torch::Tensor images;  // (B, 3, H_pad, W_pad) normalised
    std::vector<std::pair<std::int64_t, std::int64_t>> image_sizes;  // (h, w) after resizing
    std::int64_t in_h = 0, in_w = 0;  // the input's size
  };
  // images: (B, 3, H, W) float RGB in [0, 1].
  Batch operator()(const torch::Tensor& images) const;
  // (n, 4) xyxy boxes from input pixels to the resized image's, and back.
  static torch::Tensor to_resized(const torch::Tensor& boxes, const Batch& batch);
  static torch::Tensor to_input(const torch::Tensor& boxes, const Batch& batch);
};

// Contract targets (N, 6) [image, class, cx, cy, w, h] normalised to an in_w x in_h input -> per
// image xyxy boxes in input pixels and torchvision labels class + 1 (0 is the background); boxes
// without area are dropped (torchvision refuses them).
void torchvision_targets(const torch::Tensor& targets, std::int64_t batch, std::int64_t in_w, std::int64_t in_h,
                         std::vector<torch::Tensor>& boxes, std::vector<torch::Tensor>& labels);

}  // namespace autodet::models
