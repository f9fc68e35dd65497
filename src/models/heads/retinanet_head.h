#pragma once
// torchvision's RetinaNetHead (v1, no normalisation): two towers of four 3x3 convs + ReLU shared
// by every FPN level, one ending in per-anchor class logits (classification_head.cls_logits,
// bias set to the prior 0.01), the other in per-anchor box offsets (regression_head.bbox_reg).
// Tensor names: head.classification_head.conv.i.0.*, as torchvision >= 0.13 saves them.
#include <cstdint>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

namespace autodet::models {

// Four Conv2dNormActivation(in, in) without norm, then a 3x3 conv to `outputs_per_anchor` * A
// channels; the output of every level flattened to (B, H * W * A, outputs_per_anchor) in the order
// the anchor generator lists anchors, and the levels concatenated.
class RetinaNetTowerImpl : public torch::nn::Module {
 public:
  RetinaNetTowerImpl(std::int64_t in_channels, std::int64_t num_anchors, std::int64_t outputs_per_anchor,
                     const char* last_name, double last_bias);
  torch::Tensor forward(const std::vector<torch::Tensor>& features);

  std::vector<torch::nn::Conv2d> convs;
  torch::nn::Conv2d last{nullptr};

 private:
  std::int64_t per_anchor_;
};
TORCH_MODULE(RetinaNetTower);

class RetinaNetHeadImpl : public torch::nn::Module {
 public:
  // num_classes as torchvision counts them (with the background column it never trains).
  RetinaNetHeadImpl(std::int64_t in_channels, std::int64_t num_anchors, std::int64_t num_classes,
                    double prior_probability = 0.01);

  RetinaNetTower classification{nullptr};  // classification_head: (B, N, num_classes) logits
  RetinaNetTower regression{nullptr};      // regression_head: (B, N, 4) offsets
};
TORCH_MODULE(RetinaNetHead);

// torchvision < 0.13 saved the towers as conv.{0,2,4,6}.{weight,bias}; today's name of such a
// tensor below `prefix` (e.g. "head.classification_head."), or the name unchanged.
std::string retinanet_head_tensor_name(const std::string& name);

}  // namespace autodet::models
