#pragma once
// torchvision's ResNet-18/34/50/101/152 (v1.5: the stride on the 3x3 of a bottleneck) with frozen
// BatchNorm (or trainable, from random weights), as detection backbones use it: the stem and layer1..layer4, no classifier. Module
// names are torchvision's (conv1, bn1, layer2.0.downsample.0, ...), so its ImageNet files and the
// backbone.body.* tensors of its detectors load by name.
#include <cstdint>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include "models/backbones/frozen_batch_norm.h"

namespace autodet::models {

// BasicBlock (ResNet-18/34) or Bottleneck (50/101/152), with an optional 1x1 downsample.
class ResNetBlockImpl : public torch::nn::Module {
 public:
  ResNetBlockImpl(bool bottleneck, std::int64_t in_channels, std::int64_t planes, std::int64_t stride, bool downsample,
                  bool trainable_bn);
  torch::Tensor forward(const torch::Tensor& x);

  bool bottleneck;
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr};
  FrozenBatchNorm2d bn1{nullptr}, bn2{nullptr}, bn3{nullptr};
  torch::nn::Conv2d down_conv{nullptr};
  FrozenBatchNorm2d down_bn{nullptr};
};
TORCH_MODULE(ResNetBlock);

class ResNetImpl : public torch::nn::Module {
 public:
  // depth: 18, 34, 50, 101 or 152 (throws UsageError otherwise). trainable_bn: BatchNorm that
  // trains (from random weights) instead of frozen BatchNorm (fine-tuning published weights).
  explicit ResNetImpl(int depth, bool trainable_bn = false);
  // The outputs of layer1..layer4 (strides 4, 8, 16, 32).
  std::vector<torch::Tensor> forward(const torch::Tensor& x);

  int depth() const { return depth_; }
  // Output channels of layer1..layer4 (64..512 for 18/34, 256..2048 for the bottleneck depths).
  std::vector<std::int64_t> channels() const;

  torch::nn::Conv2d conv1{nullptr};
  FrozenBatchNorm2d bn1{nullptr};
  std::vector<torch::nn::Sequential> layers;

 private:
  int depth_;
};
TORCH_MODULE(ResNet);

// The layer groups layers_to_freeze counts for a ResNet at `prefix` (R4.14): conv1, layer1..layer4.
std::vector<std::string> resnet_freeze_groups(const std::string& prefix);

// Blocks per stage of a depth: 18 -> {2, 2, 2, 2}, ..., 152 -> {3, 8, 36, 3}.
std::vector<int> resnet_stage_blocks(int depth);

}  // namespace autodet::models
