#include "models/fastestdet/fastestdet_loss.h"

#include <cmath>

#include <torch/torch.h>

#include "models/yolo/yolo_loss.h"  // last_occurrence

namespace autodet::models {

using torch::indexing::Slice;

torch::Tensor siou(const torch::Tensor& a, const torch::Tensor& b, double eps) {
  auto ax = a.select(1, 0), ay = a.select(1, 1), aw = a.select(1, 2), ah = a.select(1, 3);
  auto bx = b.select(1, 0), by = b.select(1, 1), bw = b.select(1, 2), bh = b.select(1, 3);
  auto ax0 = ax - aw / 2, ax1 = ax + aw / 2, ay0 = ay - ah / 2, ay1 = ay + ah / 2;
  auto bx0 = bx - bw / 2, bx1 = bx + bw / 2, by0 = by - bh / 2, by1 = by + bh / 2;
  auto inter = (torch::min(ax1, bx1) - torch::max(ax0, bx0)).clamp_min(0) *
               (torch::min(ay1, by1) - torch::max(ay0, by0)).clamp_min(0);
  auto uni = aw * ah + bw * bh - inter + eps;
  auto iou = inter / uni;
  // enclosing box
  auto cw = torch::max(ax1, bx1) - torch::min(ax0, bx0) + eps;
  auto ch = torch::max(ay1, by1) - torch::min(ay0, by0) + eps;
  // angle cost: small when the centres line up along an axis
  auto dx = bx - ax + eps, dy = by - ay + eps;
  auto dist = torch::sqrt(dx * dx + dy * dy);
  auto sin_x = dx.abs() / dist, sin_y = dy.abs() / dist;
  auto sin_alpha = torch::where(sin_x > std::sqrt(2.0) / 2, sin_y, sin_x);
  auto angle = torch::cos(torch::arcsin(sin_alpha) * 2 - M_PI / 2);
  // distance cost
  auto gamma = angle - 2;
  auto rho_x = (dx / cw).pow(2), rho_y = (dy / ch).pow(2);
  auto distance = 2 - torch::exp(gamma * rho_x) - torch::exp(gamma * rho_y);
  // shape cost
  auto ow = (aw - bw).abs() / torch::max(aw, bw).clamp_min(eps);
  auto oh = (ah - bh).abs() / torch::max(ah, bh).clamp_min(eps);
  auto shape = (1 - torch::exp(-ow)).pow(4) + (1 - torch::exp(-oh)).pow(4);
  return iou - 0.5 * (distance + shape);
}

FastestDetLossResult fastestdet_loss(const torch::Tensor& logits, const torch::Tensor& targets,
                                     const FastestDetLossGains& g) {
  const auto B = logits.size(0), H = logits.size(2), W = logits.size(3);
  const auto nc = logits.size(1) - 5;
  const auto opts = logits.options().dtype(torch::kFloat);
  auto pred = logits.to(torch::kFloat).permute({0, 2, 3, 1});  // (B, H, W, C)
  auto pobj = pred.select(3, 0).sigmoid();
  auto tobj = torch::zeros_like(pobj);
  auto weight = torch::full_like(pobj, g.negative_weight);
  auto iou_loss = torch::zeros({}, opts);
  auto cls_loss = torch::zeros({}, opts);

  auto t = targets.to(logits.device()).to(torch::kFloat);
  if (t.size(0) > 0) {
    auto gx = t.select(1, 2) * double(W), gy = t.select(1, 3) * double(H);
    auto cx = gx.floor().clamp(0, double(W - 1)), cy = gy.floor().clamp(0, double(H - 1));
    // the neighbour on the side the centre leans to
    auto sx = torch::where(gx - cx >= 0.5, torch::ones_like(cx), -torch::ones_like(cx));
    auto sy = torch::where(gy - cy >= 0.5, torch::ones_like(cy), -torch::ones_like(cy));
    auto ix = torch::cat({cx, cx + sx, cx, cx + sx});
    auto iy = torch::cat({cy, cy, cy + sy, cy + sy});
    auto rows = torch::arange(t.size(0), torch::TensorOptions().dtype(torch::kLong).device(t.device())).repeat({4});
    auto keep = (ix >= 0) & (ix < double(W)) & (iy >= 0) & (iy < double(H));
    rows = rows.masked_select(keep);
    ix = ix.masked_select(keep).to(torch::kLong);
    iy = iy.masked_select(keep).to(torch::kLong);
    auto b = t.select(1, 0).to(torch::kLong).index_select(0, rows);
    auto cls = t.select(1, 1).to(torch::kLong).index_select(0, rows);
    auto truth = torch::stack({gx, gy, t.select(1, 4) * double(W), t.select(1, 5) * double(H)}, 1).index_select(0, rows);

    auto p = pred.index({b, iy, ix});  // (n, C)
    auto box = torch::stack({p.select(1, 1).tanh() + ix.to(torch::kFloat), p.select(1, 2).tanh() + iy.to(torch::kFloat),
                             p.select(1, 3).sigmoid() * double(W), p.select(1, 4).sigmoid() * double(H)},
                            1);
    auto iou = siou(box, truth);
    iou_loss = (1.0 - iou).mean();
    if (nc > 1) cls_loss = torch::nll_loss(torch::log_softmax(p.slice(1, 5, 5 + nc), 1), cls);

    // One objectness target per cell: where boxes share a cell, the last one sets it.
    auto key = (b * H + iy) * W + ix;
    auto last = last_occurrence(key);
    auto lb = b.index_select(0, last), ly = iy.index_select(0, last), lx = ix.index_select(0, last);
    tobj.index_put_({lb, ly, lx}, iou.detach().index_select(0, last).clamp_min(0));
    auto per_image = torch::bincount(lb, {}, B).to(torch::kFloat);
    weight.index_put_({lb, ly, lx}, (double(H * W) * 0.25) / per_image.index_select(0, lb));
  }
  auto obj_loss = (torch::smooth_l1_loss(pobj, tobj, at::Reduction::None) * weight).mean();
  auto parts = torch::stack({iou_loss * g.iou, obj_loss * g.obj, cls_loss * g.cls});
  return {parts.sum(), parts.detach()};
}

}  // namespace autodet::models
