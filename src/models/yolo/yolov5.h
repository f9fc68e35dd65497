#pragma once
// YOLOv5 (Ultralytics v6.x architecture): 6x6 stem conv, C3 blocks, SPPF, PANet neck, three
// detection scales (strides 8, 16, 32). Layers are registered as `model.0` ... `model.24` so
// state-dict keys match Ultralytics' (`model.0.conv.weight`, `model.24.m.0.weight`, `model.24.anchors`).
#include <cstdint>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include "models/yolo/common.h"
#include "models/yolo/detect.h"

namespace autodet::models {

// Ultralytics' default anchors (pixels), per level P3/8, P4/16, P5/32: (w, h) pairs.
std::vector<std::vector<float>> yolov5_default_anchors();

// What a YOLOv5 is built from: classes, depth/width multipliers, anchors (pixels) and strides.
struct YoloV5Config {
  int num_classes = 80;
  double depth_multiple = 0.33;
  double width_multiple = 0.50;
  std::vector<std::vector<float>> anchors = yolov5_default_anchors();
  std::vector<int> strides{8, 16, 32};
};

// "nano" | "small" | "medium" | "large" | "extra_large" | "xlarge" (and n/s/m/l/x) -> canonical
// name ("nano", "small", "medium", "large", "extra_large"); "" when unknown. Case-insensitive.
std::string canonical_yolov5_size(const std::string& size);
// The config of a named size: (depth, width) = nano (0.33, 0.25), small (0.33, 0.50),
// medium (0.67, 0.75), large (1.0, 1.0), extra_large (1.33, 1.25). Throws UsageError when unknown.
YoloV5Config config_for_size(const std::string& size, int num_classes);

// Channel count scaled by the width multiple, rounded up to a multiple of 8 (make_divisible).
std::int64_t yolov5_width(std::int64_t channels, double width_multiple);
// Block repeat count scaled by the depth multiple: max(round(n * d), 1) for n > 1 (round half even).
std::int64_t yolov5_depth(std::int64_t n, double depth_multiple);

// State-dict prefixes of the backbone layers, in order (`model.0.` ... `model.9.`); layers_to_freeze
// = N freezes the first N (spec R4.14).
std::vector<std::string> backbone_layer_prefixes();

// The YOLOv5 network. forward() returns the raw head outputs (one (B, na, H, W, 5 + nc) tensor per
// level), as used by the loss; predict() decodes them for inference.
class YoloV5Impl : public torch::nn::Module {
 public:
  // Parameters are initialised from `init_seed` (PyTorch's default init distributions, drawn from a
  // generator of that seed), then the head biases get Ultralytics' priors.
  explicit YoloV5Impl(YoloV5Config config, std::uint64_t init_seed = 0);

  // Raw head outputs per level: (B, na, H/stride, W/stride, 5 + nc) logits. H, W multiples of 32.
  std::vector<torch::Tensor> forward(const torch::Tensor& images);
  // Decoded (B, N, 5 + nc): cx, cy, w, h in input pixels, objectness, class probabilities (sigmoid).
  torch::Tensor decode(const std::vector<torch::Tensor>& raw) const { return detect->decode(raw); }
  torch::Tensor predict(const torch::Tensor& images) { return decode(forward(images)); }

  // Stores the 4-D conv weights (and their grads) channels-last (NHWC), so every convolution runs
  // in that layout: measured 10-30 % faster CPU forward passes (oneDNN), backward about the same.
  // Inputs may stay NCHW. Call after .to(device); values are unchanged, only strides.
  void use_channels_last();

  // Re-draws every parameter from a generator seeded with `seed` and resets BatchNorm statistics.
  void reset_parameters(std::uint64_t seed);

  const YoloV5Config& config() const { return config_; }
  int num_classes() const { return config_.num_classes; }
  int num_levels() const { return detect->nl; }
  int num_anchors() const { return detect->na; }
  // Anchors in pixels, per level, as (w, h) pairs (the current buffer, so it reflects set_anchors).
  std::vector<std::vector<float>> anchors_pixels() const;
  // Anchors in grid units (nl, na, 2), the tensor the loss uses.
  const torch::Tensor& anchors_grid() const { return detect->anchors; }
  // Replaces the anchors (pixels, per level); flips the level order when the anchor areas do not
  // grow with the stride (Ultralytics' check_anchor_order).
  void set_anchors(const std::vector<std::vector<float>>& anchors_px);

  torch::nn::ModuleList model{nullptr};  // layers 0..24, for the state-dict names

 private:
  YoloV5Config config_;
  Conv l0{nullptr}, l1{nullptr}, l3{nullptr}, l5{nullptr}, l7{nullptr}, l10{nullptr}, l14{nullptr}, l18{nullptr},
      l21{nullptr};
  C3 l2{nullptr}, l4{nullptr}, l6{nullptr}, l8{nullptr}, l13{nullptr}, l17{nullptr}, l20{nullptr}, l23{nullptr};
  SPPF l9{nullptr};
  Upsample2x l11{nullptr}, l15{nullptr};
  Concat l12{nullptr}, l16{nullptr}, l19{nullptr}, l22{nullptr};

 public:
  Detect detect{nullptr};  // layer 24
};
TORCH_MODULE(YoloV5);

}  // namespace autodet::models
