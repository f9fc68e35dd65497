#include "models/yolo/common.h"

#include <torch/torch.h>

namespace autodet::models {

namespace {
// SiLU out of place when autograd records (the input is needed for the backward), in place otherwise.
torch::Tensor silu_act(torch::Tensor x) {
  if (torch::GradMode::is_enabled()) return torch::silu(x);
  return torch::silu_(x);
}
}  // namespace

ConvImpl::ConvImpl(std::int64_t c1, std::int64_t c2, std::int64_t k, std::int64_t s, std::int64_t p,
                   std::int64_t groups, bool act_)
    : act(act_) {
  if (p < 0) p = k / 2;
  conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(c1, c2, k).stride(s).padding(p).groups(groups).bias(false)));
  bn = register_module("bn", torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(c2).eps(1e-3).momentum(0.03)));
}

torch::Tensor ConvImpl::forward(const torch::Tensor& x) {
  // Under bf16 autocast the convolution runs in bf16, but BatchNorm and SiLU take its output in
  // fp32 (a no-op in fp32 training): rounded to bf16 before and after them, the activations cost
  // half the test mAP on raccoon (bench/RESULTS.md). The next convolution casts back to bf16.
  auto y = bn(conv(x).to(torch::kFloat));
  return act ? silu_act(y) : y;
}

BottleneckImpl::BottleneckImpl(std::int64_t c1, std::int64_t c2, bool shortcut, std::int64_t groups, double e) {
  const auto c = static_cast<std::int64_t>(double(c2) * e);
  cv1 = register_module("cv1", Conv(c1, c, 1, 1));
  cv2 = register_module("cv2", Conv(c, c2, 3, 1, -1, groups));
  add = shortcut && c1 == c2;
}

torch::Tensor BottleneckImpl::forward(const torch::Tensor& x) {
  auto y = cv2(cv1(x));
  return add ? x + y : y;
}

C3Impl::C3Impl(std::int64_t c1, std::int64_t c2, std::int64_t n, bool shortcut, std::int64_t groups, double e) {
  const auto c = static_cast<std::int64_t>(double(c2) * e);
  cv1 = register_module("cv1", Conv(c1, c, 1, 1));
  cv2 = register_module("cv2", Conv(c1, c, 1, 1));
  cv3 = register_module("cv3", Conv(2 * c, c2, 1, 1));
  m = register_module("m", torch::nn::Sequential());
  for (std::int64_t i = 0; i < n; ++i) m->push_back(Bottleneck(c, c, shortcut, groups, 1.0));
}

torch::Tensor C3Impl::forward(const torch::Tensor& x) {
  return cv3(torch::cat({m->forward(cv1(x)), cv2(x)}, 1));
}

SPPFImpl::SPPFImpl(std::int64_t c1, std::int64_t c2, std::int64_t k) {
  const std::int64_t c = c1 / 2;
  cv1 = register_module("cv1", Conv(c1, c, 1, 1));
  cv2 = register_module("cv2", Conv(c * 4, c2, 1, 1));
  m = register_module("m", torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(k).stride(1).padding(k / 2)));
}

torch::Tensor SPPFImpl::forward(const torch::Tensor& x) {
  auto a = cv1(x);
  auto b = m(a);
  auto c = m(b);
  return cv2(torch::cat({a, b, c, m(c)}, 1));
}

torch::Tensor ConcatImpl::forward(const std::vector<torch::Tensor>& xs) { return torch::cat(xs, 1); }

torch::Tensor Upsample2xImpl::forward(const torch::Tensor& x) {
  namespace F = torch::nn::functional;
  return F::interpolate(x, F::InterpolateFuncOptions().scale_factor(std::vector<double>{2.0, 2.0}).mode(torch::kNearest));
}

}  // namespace autodet::models
