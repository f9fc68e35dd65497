#include "models/yolo/detect.h"

#include <cmath>

#include <torch/torch.h>

#include "core/error.h"

namespace autodet::models {

DetectImpl::DetectImpl(int num_classes, const std::vector<std::vector<float>>& anchors_px,
                       const std::vector<int>& strides_, const std::vector<std::int64_t>& channels)
    : nc(num_classes), no(num_classes + 5), nl(int(anchors_px.size())), strides(strides_) {
  if (nl == 0 || anchors_px[0].size() < 2 || anchors_px[0].size() % 2 != 0)
    throw UsageError("yolov5: anchors must be non-empty lists of (w, h) pairs");
  na = int(anchors_px[0].size() / 2);
  if (int(strides.size()) != nl || int(channels.size()) != nl)
    throw UsageError("yolov5: anchors, strides and head inputs must have one entry per level");
  std::vector<float> flat;
  for (int i = 0; i < nl; ++i) {
    if (int(anchors_px[std::size_t(i)].size()) != 2 * na) throw UsageError("yolov5: every level needs the same number of anchors");
    for (float v : anchors_px[std::size_t(i)]) flat.push_back(v / float(strides[std::size_t(i)]));
  }
  anchors = register_buffer("anchors", torch::tensor(flat, torch::kFloat).view({nl, na, 2}));
  m = register_module("m", torch::nn::ModuleList());
  for (int i = 0; i < nl; ++i)
    m->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(channels[std::size_t(i)], std::int64_t(no) * na, 1)));
  initialize_biases();
}

void DetectImpl::initialize_biases() {
  torch::NoGradGuard no_grad;
  for (int i = 0; i < nl; ++i) {
    auto conv = m[std::size_t(i)]->as<torch::nn::Conv2dImpl>();
    auto b = conv->bias.view({na, no});
    const double s = strides[std::size_t(i)];
    b.select(1, 4).add_(std::log(8.0 / ((640.0 / s) * (640.0 / s))));
    b.narrow(1, 5, nc).add_(std::log(0.6 / (nc - 0.99)));
  }
}

std::vector<torch::Tensor> DetectImpl::forward(const std::vector<torch::Tensor>& features) {
  std::vector<torch::Tensor> out;
  out.reserve(std::size_t(nl));
  for (int i = 0; i < nl; ++i) {
    auto y = m[std::size_t(i)]->as<torch::nn::Conv2dImpl>()->forward(features[std::size_t(i)]);
    const auto bs = y.size(0), ny = y.size(2), nx = y.size(3);
    out.push_back(y.view({bs, na, no, ny, nx}).permute({0, 1, 3, 4, 2}).contiguous());
  }
  return out;
}

torch::Tensor DetectImpl::decode(const std::vector<torch::Tensor>& raw) const {
  std::vector<torch::Tensor> z;
  z.reserve(raw.size());
  for (int i = 0; i < nl; ++i) {
    const auto& p = raw[std::size_t(i)];
    const auto bs = p.size(0), ny = p.size(2), nx = p.size(3);
    const double s = strides[std::size_t(i)];
    auto opts = torch::TensorOptions().dtype(p.scalar_type()).device(p.device());
    auto gx = torch::arange(nx, opts).view({1, 1, 1, nx, 1}).expand({1, 1, ny, nx, 1});
    auto gy = torch::arange(ny, opts).view({1, 1, ny, 1, 1}).expand({1, 1, ny, nx, 1});
    auto grid = torch::cat({gx, gy}, 4);                                                 // (1, 1, ny, nx, 2)
    auto anchor_grid = (anchors[i] * s).to(opts).view({1, na, 1, 1, 2});                 // pixels
    auto y = p.sigmoid();
    auto xy = (y.narrow(4, 0, 2) * 2 - 0.5 + grid) * s;
    auto wh = (y.narrow(4, 2, 2) * 2).pow(2) * anchor_grid;
    z.push_back(torch::cat({xy, wh, y.narrow(4, 4, no - 4)}, 4).view({bs, -1, no}));
  }
  return torch::cat(z, 1);
}

}  // namespace autodet::models
