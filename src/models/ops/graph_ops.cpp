#include "models/ops/graph_ops.h"

#include <fmt/format.h>
#include <torch/torch.h>
#include <torch/version.h>

#include "core/error.h"

namespace autodet::models::graph {
namespace {

// The variant type of libtorch's module options: c10's before libtorch 2, std's since.
#if TORCH_VERSION_MAJOR >= 2
namespace opt_variant = std;
#else
namespace opt_variant = c10;
#endif

GraphInts pair_of(const torch::ExpandingArray<2>& a) { return {a->at(0), a->at(1)}; }

torch::Tensor ints(const GraphInts& v) { return torch::tensor(v, torch::kLong); }

}  // namespace

std::string conv(GraphBuilder& g, const std::string& x, const torch::nn::Conv2dImpl& c,
                 const torch::nn::BatchNorm2dImpl* bn, const std::string& name, const GraphInts& in_channel_order) {
  const auto& o = c.options;
  if (!opt_variant::holds_alternative<torch::ExpandingArray<2>>(o.padding()))
    throw NotSupportedError(name + ": only explicit convolution padding can be exported");
  if (!opt_variant::holds_alternative<torch::enumtype::kZeros>(o.padding_mode()))
    throw NotSupportedError(name + ": only zero-padded convolutions can be exported");
  torch::NoGradGuard no_grad;
  auto w = c.weight.detach().to(torch::kCPU, torch::kDouble).contiguous();
  if (!in_channel_order.empty()) w = w.index_select(1, ints(in_channel_order)).contiguous();
  const auto out_channels = w.size(0);
  auto b = c.bias.defined() ? c.bias.detach().to(torch::kCPU, torch::kDouble) : torch::zeros({out_channels}, torch::kDouble);
  if (bn) {
    auto scale = bn->weight.detach().to(torch::kCPU, torch::kDouble) /
                 (bn->running_var.detach().to(torch::kCPU, torch::kDouble) + bn->options.eps()).sqrt();
    w = w * scale.view({out_channels, 1, 1, 1});
    b = (b - bn->running_mean.detach().to(torch::kCPU, torch::kDouble)) * scale + bn->bias.detach().to(torch::kCPU, torch::kDouble);
  }
  const auto pads = pair_of(opt_variant::get<torch::ExpandingArray<2>>(o.padding()));
  const auto kernel = pair_of(o.kernel_size());
  return g.op1("Conv",
               {x, g.constant(name + ".weight", w.to(torch::kFloat)), g.constant(name + ".bias", b.to(torch::kFloat))},
               {{"kernel_shape", kernel},
                {"strides", pair_of(o.stride())},
                {"pads", GraphInts{pads[0], pads[1], pads[0], pads[1]}},
                {"dilations", pair_of(o.dilation())},
                {"group", std::int64_t(o.groups())}});
}

std::string sequential(GraphBuilder& g, const std::string& x, const torch::nn::Sequential& layers, const std::string& name) {
  std::string y = x;
  const auto children = layers->named_children();
  for (std::size_t i = 0; i < children.size(); ++i) {
    const auto& key = children[i].key();
    torch::nn::Module& m = *children[i].value();
    const std::string path = name + "." + key;
    if (auto* c = m.as<torch::nn::Conv2dImpl>()) {
      const torch::nn::BatchNorm2dImpl* bn =
          i + 1 < children.size() ? children[i + 1].value()->as<torch::nn::BatchNorm2dImpl>() : nullptr;
      y = conv(g, y, *c, bn, path);
      if (bn) ++i;
    } else if (auto* bn = m.as<torch::nn::BatchNorm2dImpl>()) {
      torch::NoGradGuard no_grad;
      auto scale = bn->weight.detach().to(torch::kCPU, torch::kDouble) /
                   (bn->running_var.detach().to(torch::kCPU, torch::kDouble) + bn->options.eps()).sqrt();
      auto shift = bn->bias.detach().to(torch::kCPU, torch::kDouble) - bn->running_mean.detach().to(torch::kCPU, torch::kDouble) * scale;
      const auto c = scale.size(0);
      y = binary(g, "Mul", y, g.constant(path + ".scale", scale.to(torch::kFloat).view({1, c, 1, 1})));
      y = binary(g, "Add", y, g.constant(path + ".shift", shift.to(torch::kFloat).view({1, c, 1, 1})));
    } else if (m.as<torch::nn::ReLUImpl>()) {
      y = relu(g, y);
    } else if (m.as<torch::nn::SiLUImpl>()) {
      y = silu(g, y);
    } else if (auto* p = m.as<torch::nn::MaxPool2dImpl>()) {
      const auto& o = p->options;
      if (o.ceil_mode() || o.dilation()->at(0) != 1 || o.dilation()->at(1) != 1 || o.kernel_size()->at(0) != o.kernel_size()->at(1))
        throw NotSupportedError(path + ": this max-pool form cannot be exported");
      y = max_pool(g, y, o.kernel_size()->at(0), o.stride()->at(0), o.padding()->at(0));
    } else {
      throw NotSupportedError(fmt::format("{}: a {} layer cannot be exported", path, m.name()));
    }
  }
  return y;
}

std::string relu(GraphBuilder& g, const std::string& x) { return g.op1("Relu", {x}); }
std::string sigmoid(GraphBuilder& g, const std::string& x) { return g.op1("Sigmoid", {x}); }
std::string silu(GraphBuilder& g, const std::string& x) { return binary(g, "Mul", x, sigmoid(g, x)); }

std::string max_pool(GraphBuilder& g, const std::string& x, std::int64_t k, std::int64_t s, std::int64_t p) {
  return g.op1("MaxPool", {x}, {{"kernel_shape", GraphInts{k, k}}, {"strides", GraphInts{s, s}}, {"pads", GraphInts{p, p, p, p}}});
}

std::string avg_pool(GraphBuilder& g, const std::string& x, std::int64_t k, std::int64_t s, std::int64_t p) {
  // The zero padding as its own operator, as torch.onnx writes it: OpenCV DNN's AveragePool leaves
  // padded cells out of the average whatever count_include_pad says.
  auto padded = p == 0 ? x : g.op1("Pad", {x, g.constant("pads", ints({0, 0, p, p, 0, 0, p, p}))});
  return g.op1("AveragePool", {padded}, {{"kernel_shape", GraphInts{k, k}}, {"strides", GraphInts{s, s}}});
}

std::string upsample_nearest(GraphBuilder& g, const std::string& x, std::int64_t factor) {
  const float f = float(factor);
  auto roi = g.constant("resize_roi", torch::zeros({0}, torch::kFloat));
  auto scales = g.constant("resize_scales", torch::tensor({1.f, 1.f, f, f}));
  return g.op1("Resize", {x, roi, scales},
               {{"mode", std::string("nearest")},
                {"coordinate_transformation_mode", std::string("asymmetric")},
                {"nearest_mode", std::string("floor")}});
}

std::string concat(GraphBuilder& g, const std::vector<std::string>& xs, std::int64_t axis) {
  return g.op1("Concat", xs, {{"axis", axis}});
}

std::string reshape(GraphBuilder& g, const std::string& x, const GraphInts& shape) {
  return g.op1("Reshape", {x, g.constant("shape", ints(shape))});
}

std::string transpose(GraphBuilder& g, const std::string& x, const GraphInts& perm) {
  return g.op1("Transpose", {x}, {{"perm", perm}});
}

std::string slice(GraphBuilder& g, const std::string& x, std::int64_t axis, std::int64_t start, std::int64_t end) {
  return g.op1("Slice", {x, g.constant("starts", ints({start})), g.constant("ends", ints({end})), g.constant("axes", ints({axis}))});
}

std::string gather(GraphBuilder& g, const std::string& x, std::int64_t axis, const GraphInts& indices) {
  return g.op1("Gather", {x, g.constant("indices", ints(indices))}, {{"axis", axis}});
}

std::string softmax(GraphBuilder& g, const std::string& x, std::int64_t axis, std::int64_t rank) {
  if (axis < 0) axis += rank;
  if (g.opset() >= 13 || axis == rank - 1) return g.op1("Softmax", {x}, {{"axis", axis}});
  GraphInts to_last, back(std::size_t(rank), 0);
  for (std::int64_t i = 0; i < rank; ++i)
    if (i != axis) to_last.push_back(i);
  to_last.push_back(axis);
  for (std::int64_t i = 0; i < rank; ++i) back[std::size_t(to_last[std::size_t(i)])] = i;
  auto y = g.op1("Softmax", {transpose(g, x, to_last)}, {{"axis", rank - 1}});
  return transpose(g, y, back);
}

std::string binary(GraphBuilder& g, const std::string& type, const std::string& a, const std::string& b) {
  return g.op1(type, {a, b});
}

std::string scalar(GraphBuilder& g, float value) { return g.constant("scalar", torch::tensor({value})); }

}  // namespace autodet::models::graph
