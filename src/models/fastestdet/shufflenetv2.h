#pragma once
// ShuffleNetV2 (Ma et al., 2018) as FastestDet uses it: the 0.5x widths (24, 48, 96, 192), stage
// repeats 4/8/4, and the three stage outputs at strides 8, 16 and 32. Submodule names and layer
// indices (first_conv, stage2.0.branch_main.3, branch_proj, ...) are those of the published
// ImageNet backbone, so its state_dict loads by name.
#include <cstdint>
#include <tuple>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/pooling.h>
#include <torch/nn/pimpl.h>

namespace autodet::models {

// One ShuffleNetV2 unit. Stride 1: the input's channels are split (even / odd after the shuffle),
// one half passes through, the other goes through 1x1 -> depthwise 3x3 -> 1x1. Stride 2: both
// branches see the whole input and the spatial size halves.
class ShuffleBlockImpl : public torch::nn::Module {
 public:
  // in_channels: the branch input width (half the block input when stride is 1); out_channels: the
  // block's output width; mid_channels: the main branch's inner width.
  ShuffleBlockImpl(std::int64_t in_channels, std::int64_t out_channels, std::int64_t mid_channels, std::int64_t stride);
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Sequential branch_main{nullptr};
  torch::nn::Sequential branch_proj{nullptr};  // stride 2 only
  std::int64_t stride = 1;
};
TORCH_MODULE(ShuffleBlock);

// Splits (B, C, H, W) into the even and the odd channels: ShuffleNetV2's channel shuffle followed
// by its split, as one view.
std::pair<torch::Tensor, torch::Tensor> shuffle_split(const torch::Tensor& x);

class ShuffleNetV2Impl : public torch::nn::Module {
 public:
  // widths: the first conv's, then the three stages'; repeats: blocks per stage.
  explicit ShuffleNetV2Impl(std::vector<std::int64_t> widths = {24, 48, 96, 192},
                            std::vector<std::int64_t> repeats = {4, 8, 4});
  // The outputs of stages 2, 3 and 4 (strides 8, 16, 32).
  std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> forward(const torch::Tensor& x);

  const std::vector<std::int64_t>& widths() const { return widths_; }

  torch::nn::Sequential first_conv{nullptr};
  torch::nn::MaxPool2d maxpool{nullptr};
  torch::nn::Sequential stage2{nullptr}, stage3{nullptr}, stage4{nullptr};

 private:
  std::vector<std::int64_t> widths_;
};
TORCH_MODULE(ShuffleNetV2);

}  // namespace autodet::models
