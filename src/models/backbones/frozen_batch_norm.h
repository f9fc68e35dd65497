#pragma once
// torchvision's FrozenBatchNorm2d: batch normalisation whose statistics and affine parameters are
// fixed buffers (weight, bias, running_mean, running_var; eps 1e-5), as detectors fine-tune an
// ImageNet backbone. Built `trainable`, it is torchvision's BatchNorm2d instead (weight and bias
// parameters, batch statistics in training, running ones updated with momentum 0.1), which a
// backbone trained from random weights needs. conv_frozen_bn() applies a convolution and its BN
// as one convolution whenever the statistics are fixed.
#include <cstdint>

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

namespace autodet::models {

class FrozenBatchNorm2dImpl : public torch::nn::Module {
 public:
  explicit FrozenBatchNorm2dImpl(std::int64_t channels, bool trainable = false, double eps = 1e-5);
  torch::Tensor forward(const torch::Tensor& x);
  // Per-channel (scale, shift) with forward(x) = x * scale + shift.
  std::pair<torch::Tensor, torch::Tensor> scale_shift() const;

  // Whether this forward normalises with the batch's statistics (trainable, in training mode).
  bool uses_batch_statistics() const { return trainable && is_training(); }

  torch::Tensor weight, bias, running_mean, running_var;
  bool trainable;
  double eps;
};
TORCH_MODULE(FrozenBatchNorm2d);

// bn(conv(x)) computed as one convolution with the BN folded into the conv's weights and bias
// (differentiable in the conv's weights, so frozen-BN backbones train the same way).
torch::Tensor conv_frozen_bn(const torch::Tensor& x, torch::nn::Conv2d& conv, FrozenBatchNorm2d& bn);

}  // namespace autodet::models
