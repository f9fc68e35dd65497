#include "models/fastestdet/shufflenetv2.h"

#include <torch/torch.h>

#include "core/error.h"

namespace autodet::models {
namespace {

namespace nn = torch::nn;

nn::Conv2d conv(std::int64_t in, std::int64_t out, std::int64_t k, std::int64_t stride, std::int64_t groups) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, k).stride(stride).padding(k / 2).groups(groups).bias(false));
}

}  // namespace

std::pair<torch::Tensor, torch::Tensor> shuffle_split(const torch::Tensor& x) {
  const auto c = x.size(1);
  auto pairs = x.reshape({x.size(0), c / 2, 2, x.size(2), x.size(3)});
  return {pairs.select(2, 0), pairs.select(2, 1)};
}

ShuffleBlockImpl::ShuffleBlockImpl(std::int64_t in, std::int64_t out, std::int64_t mid, std::int64_t stride_)
    : stride(stride_) {
  if (stride != 1 && stride != 2) throw UsageError("a ShuffleNetV2 block has stride 1 or 2");
  const std::int64_t main_out = out - in;
  branch_main = register_module(
      "branch_main", nn::Sequential(conv(in, mid, 1, 1, 1), nn::BatchNorm2d(mid), nn::ReLU(), conv(mid, mid, 3, stride, mid),
                                    nn::BatchNorm2d(mid), conv(mid, main_out, 1, 1, 1), nn::BatchNorm2d(main_out), nn::ReLU()));
  if (stride == 2)
    branch_proj = register_module("branch_proj", nn::Sequential(conv(in, in, 3, 2, in), nn::BatchNorm2d(in),
                                                                conv(in, in, 1, 1, 1), nn::BatchNorm2d(in), nn::ReLU()));
}

torch::Tensor ShuffleBlockImpl::forward(const torch::Tensor& x) {
  if (stride == 1) {
    auto [pass, main] = shuffle_split(x);
    return torch::cat({pass, branch_main->forward(main)}, 1);
  }
  return torch::cat({branch_proj->forward(x), branch_main->forward(x)}, 1);
}

ShuffleNetV2Impl::ShuffleNetV2Impl(std::vector<std::int64_t> widths, std::vector<std::int64_t> repeats)
    : widths_(std::move(widths)) {
  if (widths_.size() != 4 || repeats.size() != 3) throw UsageError("ShuffleNetV2 takes 4 widths and 3 stage repeats");
  first_conv = register_module("first_conv", nn::Sequential(conv(3, widths_[0], 3, 2, 1), nn::BatchNorm2d(widths_[0]), nn::ReLU()));
  maxpool = register_module("maxpool", nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(2).padding(1)));
  std::int64_t in = widths_[0];
  nn::Sequential* stages[3] = {&stage2, &stage3, &stage4};
  const char* names[3] = {"stage2", "stage3", "stage4"};
  for (int s = 0; s < 3; ++s) {
    const std::int64_t out = widths_[std::size_t(s) + 1];
    nn::Sequential stage;
    for (std::int64_t i = 0; i < repeats[std::size_t(s)]; ++i) {
      if (i == 0) stage->push_back(ShuffleBlock(in, out, out / 2, 2));
      else stage->push_back(ShuffleBlock(out / 2, out, out / 2, 1));
    }
    *stages[s] = register_module(names[s], stage);
    in = out;
  }
}

std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> ShuffleNetV2Impl::forward(const torch::Tensor& x) {
  auto y = maxpool->forward(first_conv->forward(x));
  auto c2 = stage2->forward(y);
  auto c3 = stage3->forward(c2);
  auto c4 = stage4->forward(c3);
  return {c2, c3, c4};
}

}  // namespace autodet::models
