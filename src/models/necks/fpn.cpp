#include "models/necks/fpn.h"

#include <torch/torch.h>

namespace autodet::models {
namespace {

namespace F = torch::nn::functional;

// torchvision's FPN init: kaiming_uniform_(a=1), bias 0.
torch::nn::Conv2d fpn_conv(std::int64_t in, std::int64_t out, std::int64_t k, std::int64_t stride = 1) {
  torch::nn::Conv2d c(torch::nn::Conv2dOptions(in, out, k).stride(stride).padding(k / 2));
  torch::nn::init::kaiming_uniform_(c->weight, 1.0);
  torch::nn::init::zeros_(c->bias);
  return c;
}

}  // namespace

FeaturePyramidImpl::FeaturePyramidImpl(std::vector<std::int64_t> in_channels, std::int64_t out_channels, FpnExtra extra,
                                       std::int64_t extra_in)
    : out_channels_(out_channels), extra_(extra) {
  torch::nn::ModuleList inner_blocks, layer_blocks;
  for (auto c : in_channels) {
    // Conv2dNormActivation without norm or activation: a Sequential holding the conv at index 0.
    torch::nn::Sequential i, l;
    inner.push_back(fpn_conv(c, out_channels, 1));
    layer.push_back(fpn_conv(out_channels, out_channels, 3));
    i->push_back(inner.back());
    l->push_back(layer.back());
    inner_blocks->push_back(i);
    layer_blocks->push_back(l);
  }
  register_module("inner_blocks", inner_blocks);
  register_module("layer_blocks", layer_blocks);
  if (extra == FpnExtra::p6p7) {
    auto blocks = std::make_shared<torch::nn::Module>();
    p6 = blocks->register_module("p6", fpn_conv(extra_in, out_channels, 3, 2));
    p7 = blocks->register_module("p7", fpn_conv(out_channels, out_channels, 3, 2));
    register_module("extra_blocks", blocks);
    p6_from_p5_ = extra_in == out_channels;
  }
}

std::vector<torch::Tensor> FeaturePyramidImpl::forward(const std::vector<torch::Tensor>& x) {
  const std::size_t n = x.size();
  std::vector<torch::Tensor> out(n);
  auto last = inner[n - 1]->forward(x[n - 1]);
  out[n - 1] = layer[n - 1]->forward(last);
  for (std::size_t k = n - 1; k-- > 0;) {
    auto lateral = inner[k]->forward(x[k]);
    auto top_down = F::interpolate(
        last, F::InterpolateFuncOptions().size(std::vector<std::int64_t>{lateral.size(2), lateral.size(3)}).mode(torch::kNearest));
    last = lateral + top_down;
    out[k] = layer[k]->forward(last);
  }
  if (extra_ == FpnExtra::max_pool) {
    out.push_back(torch::max_pool2d(out.back(), 1, 2, 0));
  } else {
    auto p6_in = p6_from_p5_ ? out.back() : x.back();
    auto p6_out = p6->forward(p6_in);
    auto p7_out = p7->forward(torch::relu(p6_out));
    out.push_back(p6_out);
    out.push_back(p7_out);
  }
  return out;
}

std::string fpn_tensor_name(const std::string& n) {
  for (const char* blocks : {"backbone.fpn.inner_blocks.", "backbone.fpn.layer_blocks."}) {
    const std::string b = blocks;
    if (n.rfind(b, 0) != 0) continue;
    const auto rest = n.substr(b.size());
    const auto dot = rest.find('.');
    if (dot == std::string::npos) continue;
    const auto tail = rest.substr(dot + 1);
    if (tail == "weight" || tail == "bias") return b + rest.substr(0, dot) + ".0." + tail;
  }
  return n;
}

}  // namespace autodet::models
