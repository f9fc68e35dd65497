#pragma once
// YOLOv5 (v6.x) building blocks. Submodule names match Ultralytics' (conv, bn, cv1, cv2, cv3, m)
// so state-dict keys line up with theirs.
#include <cstdint>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/pooling.h>
#include <torch/nn/pimpl.h>

namespace autodet::models {

// Conv2d (no bias) + BatchNorm2d(eps 1e-3, momentum 0.03) + SiLU. Padding -1 means "same" (k / 2).
class ConvImpl : public torch::nn::Module {
 public:
  ConvImpl(std::int64_t c1, std::int64_t c2, std::int64_t k = 1, std::int64_t s = 1, std::int64_t p = -1,
           std::int64_t groups = 1, bool act = true);
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
  bool act = true;
};
TORCH_MODULE(Conv);

// Two convs (1x1 then 3x3) with an optional residual when input and output widths match.
class BottleneckImpl : public torch::nn::Module {
 public:
  BottleneckImpl(std::int64_t c1, std::int64_t c2, bool shortcut = true, std::int64_t groups = 1, double e = 0.5);
  torch::Tensor forward(const torch::Tensor& x);

  Conv cv1{nullptr}, cv2{nullptr};
  bool add = false;
};
TORCH_MODULE(Bottleneck);

// CSP bottleneck with 3 convs: cv3(cat(m(cv1(x)), cv2(x))), m = n bottlenecks of width c2 * e.
class C3Impl : public torch::nn::Module {
 public:
  C3Impl(std::int64_t c1, std::int64_t c2, std::int64_t n = 1, bool shortcut = true, std::int64_t groups = 1,
         double e = 0.5);
  torch::Tensor forward(const torch::Tensor& x);

  Conv cv1{nullptr}, cv2{nullptr}, cv3{nullptr};
  torch::nn::Sequential m{nullptr};
};
TORCH_MODULE(C3);

// Spatial pyramid pooling, fast: three chained k x k max-pools (stride 1) concatenated.
class SPPFImpl : public torch::nn::Module {
 public:
  SPPFImpl(std::int64_t c1, std::int64_t c2, std::int64_t k = 5);
  torch::Tensor forward(const torch::Tensor& x);

  Conv cv1{nullptr}, cv2{nullptr};
  torch::nn::MaxPool2d m{nullptr};
};
TORCH_MODULE(SPPF);

// Concatenation along channels (a parameter-free layer, kept so layer indices match Ultralytics).
class ConcatImpl : public torch::nn::Module {
 public:
  torch::Tensor forward(const std::vector<torch::Tensor>& xs);
};
TORCH_MODULE(Concat);

// Nearest-neighbour 2x upsampling (parameter-free layer, for the same reason).
class Upsample2xImpl : public torch::nn::Module {
 public:
  torch::Tensor forward(const torch::Tensor& x);
};
TORCH_MODULE(Upsample2x);

}  // namespace autodet::models
