#pragma once
// torchvision's FeaturePyramidNetwork: a 1x1 lateral (inner_blocks.i.0) and a 3x3 output conv
// (layer_blocks.i.0) per input level, top-down by nearest upsampling to the lateral's size, and
// one extra level: a stride-2 max-pool of the last output ("pool", Faster R-CNN) or P6/P7 convs
// (RetinaNet, FCOS; p6 reads P5 when the input and output widths agree, else C5).
#include <cstdint>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

namespace autodet::models {

enum class FpnExtra { max_pool, p6p7 };

class FeaturePyramidImpl : public torch::nn::Module {
 public:
  // in_channels: per input level (C2..C5 or C3..C5); extra_in: the p6 input width for p6p7.
  FeaturePyramidImpl(std::vector<std::int64_t> in_channels, std::int64_t out_channels, FpnExtra extra,
                     std::int64_t extra_in = 0);
  // Outputs per input level, then the extra level(s), all out_channels wide.
  std::vector<torch::Tensor> forward(const std::vector<torch::Tensor>& inputs);

  std::int64_t out_channels() const { return out_channels_; }

  std::vector<torch::nn::Conv2d> inner, layer;  // inner_blocks.i.0, layer_blocks.i.0
  torch::nn::Conv2d p6{nullptr}, p7{nullptr};    // extra_blocks.p6 / .p7

 private:
  std::int64_t out_channels_;
  FpnExtra extra_;
  bool p6_from_p5_ = false;
};
TORCH_MODULE(FeaturePyramid);

// torchvision < 0.13 saved the FPN convs as backbone.fpn.{inner,layer}_blocks.i.{weight,bias};
// today's name (…_blocks.i.0.weight) of such a tensor, or the name unchanged.
std::string fpn_tensor_name(const std::string& name);

}  // namespace autodet::models
