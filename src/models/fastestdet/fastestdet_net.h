#pragma once
// The FastestDet network (dog-qiuqiu/FastestDet, BSD-3; written from its architecture): a
// ShuffleNetV2-0.5x backbone whose three stage outputs are brought to stride 16 (average-pooled,
// kept, upsampled) and concatenated, an SPP-style neck of depthwise 5x5 towers, and one decoupled
// head at stride 16 with objectness, box and class branches. Module names are upstream's
// (backbone., SPP., detect_head.), so its published state_dict loads by name.
#include <cstdint>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/pimpl.h>

#include "models/fastestdet/shufflenetv2.h"

namespace autodet::models {

// 1x1 conv + BatchNorm + ReLU, held as `conv1x1`.
class PointwiseImpl : public torch::nn::Module {
 public:
  PointwiseImpl(std::int64_t in, std::int64_t out);
  torch::Tensor forward(const torch::Tensor& x) { return conv1x1->forward(x); }
  torch::nn::Sequential conv1x1{nullptr};
};
TORCH_MODULE(Pointwise);

// Depthwise 5x5 + BN + ReLU, then 1x1 to `out` + BN (no activation), held as `conv5x5`.
class HeadBranchImpl : public torch::nn::Module {
 public:
  HeadBranchImpl(std::int64_t in, std::int64_t out);
  torch::Tensor forward(const torch::Tensor& x) { return conv5x5->forward(x); }
  torch::nn::Sequential conv5x5{nullptr};
};
TORCH_MODULE(HeadBranch);

// The neck: 1x1 to `out`, three towers of 1, 2 and 3 depthwise 5x5 convs (each + BN + ReLU),
// concatenated, projected back to `out` and added to the 1x1 output.
class SppNeckImpl : public torch::nn::Module {
 public:
  SppNeckImpl(std::int64_t in, std::int64_t out);
  torch::Tensor forward(const torch::Tensor& x);
  Pointwise Conv1x1{nullptr};
  torch::nn::Sequential S1{nullptr}, S2{nullptr}, S3{nullptr}, output{nullptr};
};
TORCH_MODULE(SppNeck);

// The head: a shared 1x1, then objectness (1), box (4) and class (num_classes) branches.
class FastestDetHeadImpl : public torch::nn::Module {
 public:
  FastestDetHeadImpl(std::int64_t in, std::int64_t num_classes);
  // (B, 5 + num_classes, H, W) logits: [objectness, box (4), classes].
  torch::Tensor forward(const torch::Tensor& x);
  Pointwise conv1x1{nullptr};
  HeadBranch obj_layers{nullptr}, reg_layers{nullptr}, cls_layers{nullptr};
};
TORCH_MODULE(FastestDetHead);

class FastestDetNetImpl : public torch::nn::Module {
 public:
  explicit FastestDetNetImpl(std::int64_t num_classes);
  // images: (B, 3, H, W) RGB in [0, 1], H and W multiples of 32. Returns the head's logits at
  // stride 16, (B, 5 + num_classes, H / 16, W / 16). The network was trained on BGR input and
  // reorders the channels itself.
  torch::Tensor forward(const torch::Tensor& images);

  std::int64_t num_classes() const { return num_classes_; }

  ShuffleNetV2 backbone{nullptr};
  SppNeck SPP{nullptr};
  FastestDetHead detect_head{nullptr};

 private:
  std::int64_t num_classes_;
};
TORCH_MODULE(FastestDetNet);

// What upstream's exported graph outputs: sigmoid(objectness), the raw box values and
// softmax(classes), (B, 5 + num_classes, H, W).
torch::Tensor fastestdet_activations(const torch::Tensor& logits);

}  // namespace autodet::models
