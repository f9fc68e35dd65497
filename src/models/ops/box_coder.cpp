#include "models/ops/box_coder.h"

#include <torch/torch.h>

namespace autodet::models {

BoxCoder::BoxCoder(std::array<double, 4> weights, double clip) : w_(weights), clip_(clip) {}

torch::Tensor BoxCoder::encode(const torch::Tensor& boxes, const torch::Tensor& anchors) const {
  auto aw = anchors.select(1, 2) - anchors.select(1, 0);
  auto ah = anchors.select(1, 3) - anchors.select(1, 1);
  auto ax = anchors.select(1, 0) + 0.5 * aw;
  auto ay = anchors.select(1, 1) + 0.5 * ah;
  auto bw = boxes.select(1, 2) - boxes.select(1, 0);
  auto bh = boxes.select(1, 3) - boxes.select(1, 1);
  auto bx = boxes.select(1, 0) + 0.5 * bw;
  auto by = boxes.select(1, 1) + 0.5 * bh;
  return torch::stack({w_[0] * (bx - ax) / aw, w_[1] * (by - ay) / ah, w_[2] * torch::log(bw / aw),
                       w_[3] * torch::log(bh / ah)},
                      1);
}

torch::Tensor BoxCoder::decode(const torch::Tensor& offsets, const torch::Tensor& anchors_in) const {
  auto anchors = anchors_in.to(offsets.dtype());
  auto widths = (anchors.select(1, 2) - anchors.select(1, 0)).unsqueeze(1);
  auto heights = (anchors.select(1, 3) - anchors.select(1, 1)).unsqueeze(1);
  auto cx = anchors.select(1, 0).unsqueeze(1) + 0.5 * widths;
  auto cy = anchors.select(1, 1).unsqueeze(1) + 0.5 * heights;
  using torch::indexing::None;
  using torch::indexing::Slice;
  auto dx = offsets.index({Slice(), Slice(0, None, 4)}) / w_[0];
  auto dy = offsets.index({Slice(), Slice(1, None, 4)}) / w_[1];
  auto dw = (offsets.index({Slice(), Slice(2, None, 4)}) / w_[2]).clamp_max(clip_);
  auto dh = (offsets.index({Slice(), Slice(3, None, 4)}) / w_[3]).clamp_max(clip_);
  auto px = dx * widths + cx;
  auto py = dy * heights + cy;
  auto half_w = 0.5 * (torch::exp(dw) * widths);
  auto half_h = 0.5 * (torch::exp(dh) * heights);
  return torch::stack({px - half_w, py - half_h, px + half_w, py + half_h}, 2).flatten(1);
}

torch::Tensor LinearBoxCoder::encode(const torch::Tensor& r, const torch::Tensor& b) {
  auto cx = 0.5 * (r.select(-1, 0) + r.select(-1, 2)), cy = 0.5 * (r.select(-1, 1) + r.select(-1, 3));
  auto w = r.select(-1, 2) - r.select(-1, 0), h = r.select(-1, 3) - r.select(-1, 1);
  auto d = torch::stack({cx - b.select(-1, 0), cy - b.select(-1, 1), b.select(-1, 2) - cx, b.select(-1, 3) - cy}, -1);
  return d / torch::stack({w, h, w, h}, -1);
}

torch::Tensor LinearBoxCoder::decode(const torch::Tensor& d_in, const torch::Tensor& r_in) {
  auto r = r_in.to(d_in.dtype());
  auto cx = 0.5 * (r.select(-1, 0) + r.select(-1, 2)), cy = 0.5 * (r.select(-1, 1) + r.select(-1, 3));
  auto w = r.select(-1, 2) - r.select(-1, 0), h = r.select(-1, 3) - r.select(-1, 1);
  auto d = d_in * torch::stack({w, h, w, h}, -1);
  return torch::stack({cx - d.select(-1, 0), cy - d.select(-1, 1), cx + d.select(-1, 2), cy + d.select(-1, 3)}, -1);
}

}  // namespace autodet::models
