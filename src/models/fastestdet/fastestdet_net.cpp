#include "models/fastestdet/fastestdet_net.h"

#include <torch/torch.h>

namespace autodet::models {
namespace {

namespace nn = torch::nn;

nn::Conv2d pointwise_conv(std::int64_t in, std::int64_t out) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, 1).bias(false));
}
nn::Conv2d depthwise5(std::int64_t c) {
  return nn::Conv2d(nn::Conv2dOptions(c, c, 5).padding(2).groups(c).bias(false));
}
// n x (depthwise 5x5 + BN + ReLU)
nn::Sequential tower(std::int64_t c, int n) {
  nn::Sequential s;
  for (int i = 0; i < n; ++i) {
    s->push_back(depthwise5(c));
    s->push_back(nn::BatchNorm2d(c));
    s->push_back(nn::ReLU());
  }
  return s;
}

}  // namespace

PointwiseImpl::PointwiseImpl(std::int64_t in, std::int64_t out) {
  conv1x1 = register_module("conv1x1", nn::Sequential(pointwise_conv(in, out), nn::BatchNorm2d(out), nn::ReLU()));
}

HeadBranchImpl::HeadBranchImpl(std::int64_t in, std::int64_t out) {
  conv5x5 = register_module(
      "conv5x5", nn::Sequential(depthwise5(in), nn::BatchNorm2d(in), nn::ReLU(), pointwise_conv(in, out), nn::BatchNorm2d(out)));
}

SppNeckImpl::SppNeckImpl(std::int64_t in, std::int64_t out) {
  Conv1x1 = register_module("Conv1x1", Pointwise(in, out));
  S1 = register_module("S1", tower(out, 1));
  S2 = register_module("S2", tower(out, 2));
  S3 = register_module("S3", tower(out, 3));
  output = register_module("output", nn::Sequential(pointwise_conv(out * 3, out), nn::BatchNorm2d(out)));
}

torch::Tensor SppNeckImpl::forward(const torch::Tensor& x) {
  auto y = Conv1x1->forward(x);
  auto towers = torch::cat({S1->forward(y), S2->forward(y), S3->forward(y)}, 1);
  return torch::relu(y + output->forward(towers));
}

FastestDetHeadImpl::FastestDetHeadImpl(std::int64_t in, std::int64_t num_classes) {
  conv1x1 = register_module("conv1x1", Pointwise(in, in));
  obj_layers = register_module("obj_layers", HeadBranch(in, 1));
  reg_layers = register_module("reg_layers", HeadBranch(in, 4));
  cls_layers = register_module("cls_layers", HeadBranch(in, num_classes));
}

torch::Tensor FastestDetHeadImpl::forward(const torch::Tensor& x) {
  auto y = conv1x1->forward(x);
  return torch::cat({obj_layers->forward(y), reg_layers->forward(y), cls_layers->forward(y)}, 1);
}

FastestDetNetImpl::FastestDetNetImpl(std::int64_t num_classes) : num_classes_(num_classes) {
  backbone = register_module("backbone", ShuffleNetV2());
  const auto& w = backbone->widths();
  SPP = register_module("SPP", SppNeck(w[1] + w[2] + w[3], w[2]));
  detect_head = register_module("detect_head", FastestDetHead(w[2], num_classes));
}

torch::Tensor FastestDetNetImpl::forward(const torch::Tensor& images) {
  // RGB -> BGR, and NHWC: oneDNN's depthwise convolutions, batch norms and their backward passes are
  // about 1.5x faster in that layout on the CPU than in NCHW (bench_train_fastestdet), so every
  // activation of the network stays channels-last.
  auto [c2, c3, c4] = backbone->forward(images.flip({1}).contiguous(torch::MemoryFormat::ChannelsLast));
  namespace F = torch::nn::functional;
  auto down = F::avg_pool2d(c2, F::AvgPool2dFuncOptions(3).stride(2).padding(1));
  auto up = F::interpolate(c4, F::InterpolateFuncOptions()
                                   .size(std::vector<std::int64_t>{c3.size(2), c3.size(3)})
                                   .mode(torch::kNearest));
  return detect_head->forward(SPP->forward(torch::cat({down, c3, up}, 1)));
}

torch::Tensor fastestdet_activations(const torch::Tensor& logits) {
  const auto nc = logits.size(1) - 5;
  return torch::cat({logits.slice(1, 0, 1).sigmoid(), logits.slice(1, 1, 5), logits.slice(1, 5, 5 + nc).softmax(1)}, 1);
}

}  // namespace autodet::models
