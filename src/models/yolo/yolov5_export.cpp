#include "models/yolo/yolov5_export.h"

#include <torch/torch.h>

#include "models/ops/graph_ops.h"

namespace autodet::models {
namespace {

namespace G = graph;

std::string conv(GraphBuilder& g, const std::string& x, ConvImpl& c, const std::string& name) {
  auto y = G::conv(g, x, *c.conv, c.bn.get(), name + ".conv");
  return c.act ? G::silu(g, y) : y;
}

std::string c3(GraphBuilder& g, const std::string& x, C3Impl& c, const std::string& name) {
  auto y = conv(g, x, *c.cv1, name + ".cv1");
  std::size_t i = 0;
  for (const auto& child : c.m->children()) {
    auto& b = *child->as<BottleneckImpl>();
    const std::string path = name + ".m." + std::to_string(i++);
    auto z = conv(g, conv(g, y, *b.cv1, path + ".cv1"), *b.cv2, path + ".cv2");
    y = b.add ? G::binary(g, "Add", y, z) : z;
  }
  return conv(g, G::concat(g, {y, conv(g, x, *c.cv2, name + ".cv2")}, 1), *c.cv3, name + ".cv3");
}

std::string sppf(GraphBuilder& g, const std::string& x, SPPFImpl& s, const std::string& name) {
  const auto& o = s.m->options;
  const auto k = o.kernel_size()->at(0), p = o.padding()->at(0);
  auto a = conv(g, x, *s.cv1, name + ".cv1");
  auto b = G::max_pool(g, a, k, 1, p);
  auto c = G::max_pool(g, b, k, 1, p);
  return conv(g, G::concat(g, {a, b, c, G::max_pool(g, c, k, 1, p)}, 1), *s.cv2, name + ".cv2");
}

}  // namespace

std::vector<GraphOutput> export_yolov5(YoloV5Impl& net, GraphBuilder& g, const std::string& input, int image_size) {
  auto layer = [&](int i) -> torch::nn::Module& { return *net.model[std::size_t(i)]; };
  auto name = [](int i) { return "model." + std::to_string(i); };
  auto cv = [&](int i, const std::string& x) { return conv(g, x, *layer(i).as<ConvImpl>(), name(i)); };
  auto c3_ = [&](int i, const std::string& x) { return c3(g, x, *layer(i).as<C3Impl>(), name(i)); };
  auto up = [&](const std::string& x) { return G::upsample_nearest(g, x, 2); };

  auto x = c3_(2, cv(1, cv(0, input)));
  auto p3 = c3_(4, cv(3, x));
  auto p4 = c3_(6, cv(5, p3));
  auto h10 = cv(10, sppf(g, c3_(8, cv(7, p4)), *layer(9).as<SPPFImpl>(), name(9)));
  auto h14 = cv(14, c3_(13, G::concat(g, {up(h10), p4}, 1)));
  auto o17 = c3_(17, G::concat(g, {up(h14), p3}, 1));
  auto o20 = c3_(20, G::concat(g, {cv(18, o17), h14}, 1));
  auto o23 = c3_(23, G::concat(g, {cv(21, o20), h10}, 1));

  auto& d = *net.detect;
  const std::string features[3] = {o17, o20, o23};
  std::vector<std::string> levels;
  std::int64_t candidates = 0;
  for (int i = 0; i < d.nl; ++i) {
    const std::int64_t s = d.strides[std::size_t(i)], ny = image_size / s, nx = image_size / s;
    const std::string path = "model.24.m." + std::to_string(i);
    auto y = G::conv(g, features[i], *d.m[std::size_t(i)]->as<torch::nn::Conv2dImpl>(), nullptr, path);
    // (B, na * no, ny, nx) -> (B, na, ny, nx, no), then the decoding of DetectImpl::decode.
    y = G::sigmoid(g, G::transpose(g, G::reshape(g, y, {0, d.na, d.no, ny, nx}), {0, 1, 3, 4, 2}));
    auto gx = torch::arange(nx, torch::kFloat).view({1, 1, 1, nx, 1}).expand({1, d.na, ny, nx, 1});
    auto gy = torch::arange(ny, torch::kFloat).view({1, 1, ny, 1, 1}).expand({1, d.na, ny, nx, 1});
    auto anchor_px = (d.anchors[i].detach().to(torch::kCPU, torch::kFloat) * double(s))
                         .view({1, d.na, 1, 1, 2})
                         .expand({1, d.na, ny, nx, 2});
    // The grid and the anchors vary by position, so they are applied as one value per channel of a
    // (B, na * ny * nx * 2, 1, 1) view, stored as (K, 1, 1) constants: the form OpenCV DNN 4.6
    // broadcasts over any batch size (it refuses (1, K, 1, 1) in Add when the batch is not 1).
    const std::int64_t k = d.na * ny * nx * 2;
    auto flat = [&](const torch::Tensor& t) { return t.contiguous().view({k, 1, 1}); };
    auto grid = flat(torch::cat({gx, gy}, 4));
    auto to_flat = [&](const std::string& t) { return G::reshape(g, t, {0, k, 1, 1}); };
    auto from_flat = [&](const std::string& t) { return G::reshape(g, t, {0, d.na, ny, nx, 2}); };
    // The same operations in the same order as DetectImpl::decode, so the float rounding agrees:
    // xy = (2 sigmoid - 0.5 + grid) * stride, wh = (2 sigmoid)^2 * anchor.
    auto two = G::scalar(g, 2.f);
    auto xy = G::binary(g, "Mul", to_flat(G::slice(g, y, 4, 0, 2)), two);
    xy = G::binary(g, "Sub", xy, G::scalar(g, 0.5f));
    xy = G::binary(g, "Add", xy, g.constant(path + ".grid", grid));
    xy = from_flat(G::binary(g, "Mul", xy, G::scalar(g, float(s))));
    auto wh = G::binary(g, "Mul", to_flat(G::slice(g, y, 4, 2, 4)), two);
    wh = from_flat(G::binary(g, "Mul", G::binary(g, "Mul", wh, wh), g.constant(path + ".anchor_grid", flat(anchor_px))));
    auto rest = G::slice(g, y, 4, 4, d.no);
    levels.push_back(G::reshape(g, G::concat(g, {xy, wh, rest}, 4), {0, -1, d.no}));
    candidates += d.na * ny * nx;
  }
  return {GraphOutput{G::concat(g, levels, 1), "output", {-1, candidates, d.no},
                      "per candidate: cx, cy, w, h (input pixels), objectness, then one probability per class"}};
}

GraphCandidates export_yolov5_candidates(GraphBuilder& g, const GraphOutput& output, int nc) {
  const auto& out = output.tensor;
  auto xy = G::slice(g, out, 2, 0, 2), wh = G::slice(g, out, 2, 2, 4);
  auto half = G::binary(g, "Div", wh, G::scalar(g, 2.f));
  auto boxes = G::concat(g, {G::binary(g, "Sub", xy, half), G::binary(g, "Add", xy, half)}, 2);
  auto conf = G::binary(g, "Mul", G::slice(g, out, 2, 5, 5 + nc), G::slice(g, out, 2, 4, 5));  // (B, N, C)
  auto best = g.op1("ReduceMax", {conf}, {{"axes", GraphInts{2}}, {"keepdims", std::int64_t(1)}});
  auto mask = g.op1("Cast", {g.op1("Equal", {conf, best})}, {{"to", std::int64_t(1)}});  // float
  return {boxes, G::transpose(g, G::binary(g, "Mul", conf, mask), {0, 2, 1})};
}

}  // namespace autodet::models
