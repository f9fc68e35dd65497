#include "models/fastestdet/fastestdet_export.h"

#include <torch/torch.h>

#include "models/ops/graph_ops.h"

namespace autodet::models {
namespace {

namespace G = graph;

// ShuffleNetV2's channel shuffle and split (shuffle_split): the even channels, then the odd ones,
// as a reshape to channel pairs and two slices (OpenCV DNN 4.6 gathers single indices only).
std::pair<std::string, std::string> split(GraphBuilder& g, const std::string& x, std::int64_t channels,
                                          std::int64_t side) {
  auto pairs = G::reshape(g, x, {0, channels / 2, 2, side * side});
  auto half = [&](std::int64_t k) { return G::reshape(g, G::slice(g, pairs, 2, k, k + 1), {0, channels / 2, side, side}); };
  return {half(0), half(1)};
}

std::string block(GraphBuilder& g, const std::string& x, ShuffleBlockImpl& b, std::int64_t in_channels,
                  std::int64_t side, const std::string& name) {
  if (b.stride == 1) {
    auto [pass, main] = split(g, x, in_channels, side);
    return G::concat(g, {pass, G::sequential(g, main, b.branch_main, name + ".branch_main")}, 1);
  }
  return G::concat(g, {G::sequential(g, x, b.branch_proj, name + ".branch_proj"),
                       G::sequential(g, x, b.branch_main, name + ".branch_main")},
                   1);
}

// in_side: the stage input's height and width; its first block halves them.
std::string stage(GraphBuilder& g, std::string x, torch::nn::Sequential& s, std::int64_t in_channels,
                  std::int64_t out_channels, std::int64_t in_side, const std::string& name) {
  std::size_t i = 0;
  for (const auto& child : s->children()) {
    x = block(g, x, *child->as<ShuffleBlockImpl>(), i == 0 ? in_channels : out_channels, i == 0 ? in_side : in_side / 2,
              name + "." + std::to_string(i));
    ++i;
  }
  return x;
}

}  // namespace

std::vector<GraphOutput> export_fastestdet(FastestDetNetImpl& net, GraphBuilder& g, const std::string& input, int image_size) {
  auto& bb = *net.backbone;
  const auto& w = bb.widths();
  // The network reverses RGB to BGR first: the first convolution takes the channels reversed.
  auto first = bb.first_conv->children();
  auto y = G::conv(g, input, *first.at(0)->as<torch::nn::Conv2dImpl>(), first.at(1)->as<torch::nn::BatchNorm2dImpl>(),
                   "backbone.first_conv.0", {2, 1, 0});
  y = G::relu(g, y);
  const auto& mp = bb.maxpool->options;
  y = G::max_pool(g, y, mp.kernel_size()->at(0), mp.stride()->at(0), mp.padding()->at(0));
  const std::int64_t s4 = image_size / 4;  // after the stem's conv and max-pool
  auto c2 = stage(g, y, bb.stage2, w[0], w[1], s4, "backbone.stage2");
  auto c3 = stage(g, c2, bb.stage3, w[1], w[2], s4 / 2, "backbone.stage3");
  auto c4 = stage(g, c3, bb.stage4, w[2], w[3], s4 / 4, "backbone.stage4");
  auto x = G::concat(g, {G::avg_pool(g, c2, 3, 2, 1), c3, G::upsample_nearest(g, c4, 2)}, 1);

  auto& spp = *net.SPP;
  auto s = G::sequential(g, x, spp.Conv1x1->conv1x1, "SPP.Conv1x1.conv1x1");
  auto towers = G::concat(g, {G::sequential(g, s, spp.S1, "SPP.S1"), G::sequential(g, s, spp.S2, "SPP.S2"),
                              G::sequential(g, s, spp.S3, "SPP.S3")},
                          1);
  auto neck = G::relu(g, G::binary(g, "Add", s, G::sequential(g, towers, spp.output, "SPP.output")));

  auto& head = *net.detect_head;
  auto h = G::sequential(g, neck, head.conv1x1->conv1x1, "detect_head.conv1x1.conv1x1");
  auto obj = G::sigmoid(g, G::sequential(g, h, head.obj_layers->conv5x5, "detect_head.obj_layers.conv5x5"));
  auto reg = G::sequential(g, h, head.reg_layers->conv5x5, "detect_head.reg_layers.conv5x5");
  auto cls = G::softmax(g, G::sequential(g, h, head.cls_layers->conv5x5, "detect_head.cls_layers.conv5x5"), 1, 4);
  const std::int64_t side = image_size / 16;
  return {GraphOutput{G::concat(g, {obj, reg, cls}, 1), "output", {-1, 5 + net.num_classes(), side, side},
                      "per stride-16 cell: sigmoid objectness, the four raw box values, then the class softmax"}};
}

GraphCandidates export_fastestdet_candidates(GraphBuilder& g, const GraphOutput& output, int nc, int image_size) {
  const std::int64_t side = image_size / 16, cells = side * side;
  // (B, 5 + C, side, side) -> (B, cells, 5 + C), cells in row-major order.
  auto p = G::transpose(g, G::reshape(g, output.tensor, {0, 5 + nc, cells}), {0, 2, 1});
  auto v = [&](std::int64_t k) { return G::slice(g, p, 2, k, k + 1); };  // (B, cells, 1)
  auto cell = torch::arange(cells, torch::kLong);
  auto gx = (cell % side).to(torch::kFloat).view({cells, 1}).contiguous();
  auto gy = cell.div(side, "floor").to(torch::kFloat).view({cells, 1}).contiguous();
  const float stride = float(image_size) / float(side), full = float(image_size);
  auto cx = G::binary(g, "Mul", G::binary(g, "Add", g.op1("Tanh", {v(1)}), g.constant("fastestdet.grid_x", gx)), G::scalar(g, stride));
  auto cy = G::binary(g, "Mul", G::binary(g, "Add", g.op1("Tanh", {v(2)}), g.constant("fastestdet.grid_y", gy)), G::scalar(g, stride));
  auto hw = G::binary(g, "Div", G::binary(g, "Mul", G::sigmoid(g, v(3)), G::scalar(g, full)), G::scalar(g, 2.f));
  auto hh = G::binary(g, "Div", G::binary(g, "Mul", G::sigmoid(g, v(4)), G::scalar(g, full)), G::scalar(g, 2.f));
  auto boxes = G::concat(g, {G::binary(g, "Sub", cx, hw), G::binary(g, "Sub", cy, hh), G::binary(g, "Add", cx, hw),
                             G::binary(g, "Add", cy, hh)},
                         2);
  if (nc == 1) return {boxes, G::transpose(g, v(0), {0, 2, 1})};
  auto cls = G::slice(g, p, 2, 5, 5 + nc);
  auto best = g.op1("ReduceMax", {cls}, {{"axes", GraphInts{2}}, {"keepdims", std::int64_t(1)}});
  auto score = G::binary(g, "Mul", G::binary(g, "Pow", v(0), G::scalar(g, 0.6f)), G::binary(g, "Pow", best, G::scalar(g, 0.4f)));
  auto mask = g.op1("Cast", {g.op1("Equal", {cls, best})}, {{"to", std::int64_t(1)}});
  return {boxes, G::transpose(g, G::binary(g, "Mul", mask, score), {0, 2, 1})};
}

}  // namespace autodet::models
