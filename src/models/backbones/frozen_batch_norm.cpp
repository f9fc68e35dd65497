#include "models/backbones/frozen_batch_norm.h"

#include <torch/torch.h>

namespace autodet::models {

FrozenBatchNorm2dImpl::FrozenBatchNorm2dImpl(std::int64_t channels, bool trainable_, double eps_)
    : trainable(trainable_), eps(eps_) {
  if (trainable) {
    weight = register_parameter("weight", torch::ones({channels}));
    bias = register_parameter("bias", torch::zeros({channels}));
  } else {
    weight = register_buffer("weight", torch::ones({channels}));
    bias = register_buffer("bias", torch::zeros({channels}));
  }
  running_mean = register_buffer("running_mean", torch::zeros({channels}));
  running_var = register_buffer("running_var", torch::ones({channels}));
}

std::pair<torch::Tensor, torch::Tensor> FrozenBatchNorm2dImpl::scale_shift() const {
  auto scale = weight * (running_var + eps).rsqrt();
  return {scale, bias - running_mean * scale};
}

torch::Tensor FrozenBatchNorm2dImpl::forward(const torch::Tensor& x) {
  if (uses_batch_statistics())
    return torch::batch_norm(x, weight, bias, running_mean, running_var, true, 0.1, eps, false);
  auto [scale, shift] = scale_shift();
  return x * scale.view({1, -1, 1, 1}) + shift.view({1, -1, 1, 1});
}

torch::Tensor conv_frozen_bn(const torch::Tensor& x, torch::nn::Conv2d& conv, FrozenBatchNorm2d& bn) {
  if (bn->uses_batch_statistics()) return bn->forward(conv->forward(x));
  auto [scale, shift] = bn->scale_shift();
  auto w = conv->weight * scale.view({-1, 1, 1, 1});
  if (conv->options.bias()) shift = shift + conv->bias * scale;
  const auto& o = conv->options;
  return torch::conv2d(x, w, shift, *o.stride(), c10::get<torch::ExpandingArray<2>>(o.padding()), *o.dilation(),
                       o.groups());
}

}  // namespace autodet::models
