#include "models/heads/fcos_head.h"

#include <cmath>

#include <torch/torch.h>

#include "models/ops/dense_detections.h"

namespace autodet::models {
namespace {

torch::nn::Conv2d head_conv(std::int64_t in, std::int64_t out, double bias) {
  torch::nn::Conv2d c(torch::nn::Conv2dOptions(in, out, 3).padding(1));
  torch::nn::init::normal_(c->weight, 0.0, 0.01);
  torch::nn::init::constant_(c->bias, bias);
  return c;
}

// conv.{3i}: 3x3 conv, conv.{3i+1}: GroupNorm(32), conv.{3i+2}: ReLU.
torch::nn::Sequential tower(std::int64_t channels) {
  torch::nn::Sequential s;
  for (int i = 0; i < 4; ++i) {
    s->push_back(head_conv(channels, channels, 0.0));
    s->push_back(torch::nn::GroupNorm(torch::nn::GroupNormOptions(32, channels)));
    s->push_back(torch::nn::ReLU());
  }
  return s;
}

}  // namespace

FcosClassificationHeadImpl::FcosClassificationHeadImpl(std::int64_t in, std::int64_t A, std::int64_t classes,
                                                       double prior)
    : num_classes_(classes) {
  conv = register_module("conv", tower(in));
  cls_logits = register_module("cls_logits", head_conv(in, A * classes, -std::log((1 - prior) / prior)));
}

torch::Tensor FcosClassificationHeadImpl::forward(const std::vector<torch::Tensor>& features) {
  std::vector<torch::Tensor> out;
  out.reserve(features.size());
  for (const auto& f : features) out.push_back(cls_logits->forward(conv->forward(f)));
  return flatten_dense_output(out, num_classes_);
}

FcosRegressionHeadImpl::FcosRegressionHeadImpl(std::int64_t in, std::int64_t A) {
  conv = register_module("conv", tower(in));
  bbox_reg = register_module("bbox_reg", head_conv(in, A * 4, 0.0));
  bbox_ctrness = register_module("bbox_ctrness", head_conv(in, A, 0.0));
}

FcosRegression FcosRegressionHeadImpl::forward(const std::vector<torch::Tensor>& features) {
  std::vector<torch::Tensor> reg, ctr;
  reg.reserve(features.size());
  ctr.reserve(features.size());
  for (const auto& f : features) {
    auto x = conv->forward(f);
    reg.push_back(torch::relu(bbox_reg->forward(x)));
    ctr.push_back(bbox_ctrness->forward(x));
  }
  return {flatten_dense_output(reg, 4), flatten_dense_output(ctr, 1)};
}

FcosHeadImpl::FcosHeadImpl(std::int64_t in, std::int64_t A, std::int64_t classes) {
  classification = register_module("classification_head", FcosClassificationHead(in, A, classes));
  regression = register_module("regression_head", FcosRegressionHead(in, A));
}

}  // namespace autodet::models
