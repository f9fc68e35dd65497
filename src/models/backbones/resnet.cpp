#include "models/backbones/resnet.h"

#include <torch/torch.h>

#include "core/error.h"

namespace autodet::models {
namespace {

torch::nn::Conv2d conv(std::int64_t in, std::int64_t out, std::int64_t k, std::int64_t stride, std::int64_t pad) {
  torch::nn::Conv2d c(torch::nn::Conv2dOptions(in, out, k).stride(stride).padding(pad).bias(false));
  // torchvision: kaiming_normal_(mode="fan_out", nonlinearity="relu").
  torch::nn::init::kaiming_normal_(c->weight, 0.0, torch::kFanOut, torch::kReLU);
  return c;
}

bool is_bottleneck(int depth) { return depth >= 50; }

}  // namespace

std::vector<int> resnet_stage_blocks(int depth) {
  switch (depth) {
    case 18: return {2, 2, 2, 2};
    case 34: return {3, 4, 6, 3};
    case 50: return {3, 4, 6, 3};
    case 101: return {3, 4, 23, 3};
    case 152: return {3, 8, 36, 3};
    default: throw UsageError("ResNet depth must be 18, 34, 50, 101 or 152, not " + std::to_string(depth));
  }
}

ResNetBlockImpl::ResNetBlockImpl(bool bottleneck_, std::int64_t in, std::int64_t planes, std::int64_t stride,
                                 bool downsample, bool trainable_bn)
    : bottleneck(bottleneck_) {
  const std::int64_t out = bottleneck ? planes * 4 : planes;
  if (bottleneck) {
    conv1 = register_module("conv1", conv(in, planes, 1, 1, 0));
    bn1 = register_module("bn1", FrozenBatchNorm2d(planes, trainable_bn));
    conv2 = register_module("conv2", conv(planes, planes, 3, stride, 1));
    bn2 = register_module("bn2", FrozenBatchNorm2d(planes, trainable_bn));
    conv3 = register_module("conv3", conv(planes, out, 1, 1, 0));
    bn3 = register_module("bn3", FrozenBatchNorm2d(out, trainable_bn));
  } else {
    conv1 = register_module("conv1", conv(in, planes, 3, stride, 1));
    bn1 = register_module("bn1", FrozenBatchNorm2d(planes, trainable_bn));
    conv2 = register_module("conv2", conv(planes, planes, 3, 1, 1));
    bn2 = register_module("bn2", FrozenBatchNorm2d(planes, trainable_bn));
  }
  if (downsample) {
    // torchvision's downsample is Sequential(conv1x1, norm): tensors downsample.0.* and downsample.1.*.
    torch::nn::Sequential seq;
    down_conv = conv(in, out, 1, stride, 0);
    down_bn = FrozenBatchNorm2d(out, trainable_bn);
    seq->push_back(down_conv);
    seq->push_back(down_bn);
    register_module("downsample", seq);
  }
}

torch::Tensor ResNetBlockImpl::forward(const torch::Tensor& x) {
  auto y = torch::relu(conv_frozen_bn(x, conv1, bn1));
  if (bottleneck) {
    y = torch::relu(conv_frozen_bn(y, conv2, bn2));
    y = conv_frozen_bn(y, conv3, bn3);
  } else {
    y = conv_frozen_bn(y, conv2, bn2);
  }
  auto identity = down_conv ? conv_frozen_bn(x, down_conv, down_bn) : x;
  return torch::relu(y + identity);
}

ResNetImpl::ResNetImpl(int depth, bool trainable_bn) : depth_(depth) {
  const auto blocks = resnet_stage_blocks(depth);
  const bool bottleneck = is_bottleneck(depth);
  conv1 = register_module("conv1", conv(3, 64, 7, 2, 3));
  bn1 = register_module("bn1", FrozenBatchNorm2d(64, trainable_bn));
  std::int64_t in = 64;
  for (int stage = 0; stage < 4; ++stage) {
    const std::int64_t planes = std::int64_t(64) << stage;
    const std::int64_t stride = stage == 0 ? 1 : 2;
    const std::int64_t out = bottleneck ? planes * 4 : planes;
    torch::nn::Sequential layer;
    for (int b = 0; b < blocks[std::size_t(stage)]; ++b) {
      const bool first = b == 0;
      layer->push_back(
          ResNetBlock(bottleneck, in, planes, first ? stride : 1, first && (stride != 1 || in != out), trainable_bn));
      in = out;
    }
    layers.push_back(register_module("layer" + std::to_string(stage + 1), layer));
  }
}

std::vector<std::int64_t> ResNetImpl::channels() const {
  const std::int64_t m = is_bottleneck(depth_) ? 4 : 1;
  return {64 * m, 128 * m, 256 * m, 512 * m};
}

std::vector<torch::Tensor> ResNetImpl::forward(const torch::Tensor& x) {
  // Channels-last input: oneDNN then runs every convolution (and the FPN and heads after it) in
  // NHWC without reordering each activation to its blocked layout and back, forward and backward
  // (bench/RESULTS.md: a Faster R-CNN R-50 training step). Values are unchanged.
  auto y = torch::relu(conv_frozen_bn(x.contiguous(torch::MemoryFormat::ChannelsLast), conv1, bn1));
  y = torch::max_pool2d(y, 3, 2, 1);
  std::vector<torch::Tensor> out;
  out.reserve(4);
  for (auto& layer : layers) {
    y = layer->forward(y);
    out.push_back(y);
  }
  return out;
}

std::vector<std::string> resnet_freeze_groups(const std::string& prefix) {
  return {prefix + "conv1.", prefix + "layer1.", prefix + "layer2.", prefix + "layer3.", prefix + "layer4."};
}

}  // namespace autodet::models
