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

}  // namespace autodet::models
