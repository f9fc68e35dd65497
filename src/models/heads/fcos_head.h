#pragma once
// torchvision's FCOSHead: two towers of four (3x3 conv, GroupNorm(32), ReLU) shared by every FPN
// level; the classification tower ends in per-location class logits (cls_logits, bias at the prior
// 0.01), the regression tower in four edge distances (bbox_reg, through a ReLU) and one centerness
// logit (bbox_ctrness). Tensor names: head.classification_head.conv.{0,3,6,9} (convs) and
// .conv.{1,4,7,10} (GroupNorms), as torchvision saves them.
#include <cstdint>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

namespace autodet::models {

class FcosClassificationHeadImpl : public torch::nn::Module {
 public:
  FcosClassificationHeadImpl(std::int64_t in_channels, std::int64_t num_anchors, std::int64_t num_classes,
                             double prior_probability = 0.01);
  torch::Tensor forward(const std::vector<torch::Tensor>& features);  // (B, N, num_classes)

  torch::nn::Sequential conv{nullptr};
  torch::nn::Conv2d cls_logits{nullptr};

 private:
  std::int64_t num_classes_;
};
TORCH_MODULE(FcosClassificationHead);

struct FcosRegression {
  torch::Tensor distances;   // (B, N, 4), >= 0
  torch::Tensor centerness;  // (B, N, 1) logits
};

class FcosRegressionHeadImpl : public torch::nn::Module {
 public:
  FcosRegressionHeadImpl(std::int64_t in_channels, std::int64_t num_anchors);
  FcosRegression forward(const std::vector<torch::Tensor>& features);

  torch::nn::Sequential conv{nullptr};
  torch::nn::Conv2d bbox_reg{nullptr}, bbox_ctrness{nullptr};
};
TORCH_MODULE(FcosRegressionHead);

class FcosHeadImpl : public torch::nn::Module {
 public:
  // num_classes as torchvision counts them (with the background column it never trains).
  FcosHeadImpl(std::int64_t in_channels, std::int64_t num_anchors, std::int64_t num_classes);

  FcosClassificationHead classification{nullptr};  // classification_head
  FcosRegressionHead regression{nullptr};          // regression_head
};
TORCH_MODULE(FcosHead);

}  // namespace autodet::models
