#include "models/heads/retinanet_head.h"

#include <cmath>
#include <string>

#include <torch/torch.h>

#include "models/ops/dense_detections.h"

namespace autodet::models {
namespace {

torch::nn::Conv2d tower_conv(std::int64_t in, std::int64_t out, double bias) {
  torch::nn::Conv2d c(torch::nn::Conv2dOptions(in, out, 3).padding(1));
  torch::nn::init::normal_(c->weight, 0.0, 0.01);
  torch::nn::init::constant_(c->bias, bias);
  return c;
}

}  // namespace

RetinaNetTowerImpl::RetinaNetTowerImpl(std::int64_t in, std::int64_t A, std::int64_t per_anchor, const char* last_name,
                                       double last_bias)
    : per_anchor_(per_anchor) {
  torch::nn::ModuleList tower;  // conv.i: a Conv2dNormActivation
  for (int i = 0; i < 4; ++i) {
    torch::nn::Sequential block;  // Conv2dNormActivation: the conv at 0, the ReLU at 1
    convs.push_back(tower_conv(in, in, 0.0));
    block->push_back(convs.back());
    block->push_back(torch::nn::ReLU());
    tower->push_back(block);
  }
  register_module("conv", tower);
  last = register_module(last_name, tower_conv(in, A * per_anchor, last_bias));
}

torch::Tensor RetinaNetTowerImpl::forward(const std::vector<torch::Tensor>& features) {
  std::vector<torch::Tensor> out;
  out.reserve(features.size());
  for (const auto& f : features) {
    auto x = f;
    for (auto& c : convs) x = torch::relu(c->forward(x));
    out.push_back(last->forward(x));
  }
  return flatten_dense_output(out, per_anchor_);
}

RetinaNetHeadImpl::RetinaNetHeadImpl(std::int64_t in, std::int64_t A, std::int64_t classes, double prior) {
  classification = register_module(
      "classification_head", RetinaNetTower(in, A, classes, "cls_logits", -std::log((1 - prior) / prior)));
  regression = register_module("regression_head", RetinaNetTower(in, A, 4, "bbox_reg", 0.0));
}

std::string retinanet_head_tensor_name(const std::string& n) {
  for (const char* tower : {"head.classification_head.conv.", "head.regression_head.conv."}) {
    const std::string t = tower;
    if (n.rfind(t, 0) != 0) continue;
    const auto rest = n.substr(t.size());
    const auto dot = rest.find('.');
    if (dot == std::string::npos) return n;
    const auto tail = rest.substr(dot + 1);
    if (tail != "weight" && tail != "bias") return n;  // already "i.0.weight"
    const auto index = rest.substr(0, dot);
    if (index.empty() || index.find_first_not_of("0123456789") != std::string::npos) return n;
    const int old = std::stoi(index);
    if (old % 2 != 0) return n;
    return t + std::to_string(old / 2) + ".0." + tail;
  }
  return n;
}

}  // namespace autodet::models
