#include "models/ops/box_ops.h"

#include <cmath>

namespace autodet::models {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Half precision is computed in float32 (torchvision's _upcast), other dtypes as they are.
torch::Tensor upcast(const torch::Tensor& t) {
  if (t.scalar_type() == torch::kHalf || t.scalar_type() == torch::kBFloat16) return t.to(torch::kFloat);
  return t;
}

// Pairwise enclosing-box width and height (N, M, 2), clamped at 0.
torch::Tensor enclosing_wh(const torch::Tensor& b1, const torch::Tensor& b2) {
  auto lti = torch::min(b1.unsqueeze(1).narrow(2, 0, 2), b2.narrow(1, 0, 2));
  auto rbi = torch::max(b1.unsqueeze(1).narrow(2, 2, 2), b2.narrow(1, 2, 2));
  return upcast(rbi - lti).clamp_min(0);
}

// Pairwise intersection and union areas (N, M) each.
std::pair<torch::Tensor, torch::Tensor> inter_union(const torch::Tensor& b1, const torch::Tensor& b2) {
  auto area1 = box_area(b1);
  auto area2 = box_area(b2);
  auto lt = torch::max(b1.unsqueeze(1).narrow(2, 0, 2), b2.narrow(1, 0, 2));
  auto rb = torch::min(b1.unsqueeze(1).narrow(2, 2, 2), b2.narrow(1, 2, 2));
  auto wh = upcast(rb - lt).clamp_min(0);
  auto inter = wh.select(2, 0) * wh.select(2, 1);
  auto uni = area1.unsqueeze(1) + area2 - inter;
  return {inter, uni};
}

// DIoU and IoU matrices (torchvision's _box_diou_iou).
std::pair<torch::Tensor, torch::Tensor> diou_iou(const torch::Tensor& b1, const torch::Tensor& b2, double eps) {
  auto iou = box_iou(b1, b2);
  auto whi = enclosing_wh(b1, b2);
  auto diag2 = torch::pow(whi.select(2, 0), 2) + torch::pow(whi.select(2, 1), 2) + eps;
  auto xp = (b1.select(1, 0) + b1.select(1, 2)) / 2;
  auto yp = (b1.select(1, 1) + b1.select(1, 3)) / 2;
  auto xg = (b2.select(1, 0) + b2.select(1, 2)) / 2;
  auto yg = (b2.select(1, 1) + b2.select(1, 3)) / 2;
  auto center2 = torch::pow(upcast(xp.unsqueeze(1) - xg.unsqueeze(0)), 2) +
                 torch::pow(upcast(yp.unsqueeze(1) - yg.unsqueeze(0)), 2);
  return {iou - center2 / diag2, iou};
}

}  // namespace

torch::Tensor xywh_to_xyxy(const torch::Tensor& boxes) {
  auto xy = boxes.narrow(-1, 0, 2);
  auto half = boxes.narrow(-1, 2, 2) / 2;
  return torch::cat({xy - half, xy + half}, -1);
}

torch::Tensor xyxy_to_xywh(const torch::Tensor& boxes) {
  auto p0 = boxes.narrow(-1, 0, 2);
  auto p1 = boxes.narrow(-1, 2, 2);
  return torch::cat({(p0 + p1) / 2, p1 - p0}, -1);
}

torch::Tensor box_area(const torch::Tensor& boxes) {
  return (boxes.select(-1, 2) - boxes.select(-1, 0)) * (boxes.select(-1, 3) - boxes.select(-1, 1));
}

torch::Tensor box_iou(const torch::Tensor& boxes1, const torch::Tensor& boxes2) {
  auto [inter, uni] = inter_union(boxes1, boxes2);
  return inter / uni;
}

torch::Tensor generalized_box_iou(const torch::Tensor& boxes1, const torch::Tensor& boxes2) {
  auto [inter, uni] = inter_union(boxes1, boxes2);
  auto iou = inter / uni;
  auto whi = enclosing_wh(boxes1, boxes2);
  auto areai = whi.select(2, 0) * whi.select(2, 1);
  return iou - (areai - uni) / areai;
}

torch::Tensor distance_box_iou(const torch::Tensor& boxes1, const torch::Tensor& boxes2, double eps) {
  auto b1 = upcast(boxes1), b2 = upcast(boxes2);
  return diou_iou(b1, b2, eps).first;
}

torch::Tensor complete_box_iou(const torch::Tensor& boxes1, const torch::Tensor& boxes2, double eps) {
  auto b1 = upcast(boxes1), b2 = upcast(boxes2);
  auto [diou, iou] = diou_iou(b1, b2, eps);
  auto w_pred = (b1.select(1, 2) - b1.select(1, 0)).unsqueeze(1);
  auto h_pred = (b1.select(1, 3) - b1.select(1, 1)).unsqueeze(1);
  auto w_gt = b2.select(1, 2) - b2.select(1, 0);
  auto h_gt = b2.select(1, 3) - b2.select(1, 1);
  auto v = (4 / (kPi * kPi)) * torch::pow(torch::atan(w_pred / h_pred) - torch::atan(w_gt / h_gt), 2);
  torch::Tensor alpha;
  {
    torch::NoGradGuard no_grad;
    alpha = v / (1 - iou + v + eps);
  }
  return diou - alpha * v;
}

torch::Tensor aligned_box_iou(const torch::Tensor& box1, const torch::Tensor& box2, IouKind kind, bool xywh,
                              double eps) {
  torch::Tensor b1x0, b1y0, b1x1, b1y1, b2x0, b2y0, b2x1, b2y1;
  if (xywh) {
    auto c1 = box1.unbind(-1), c2 = box2.unbind(-1);
    auto hw1 = c1[2] / 2, hh1 = c1[3] / 2, hw2 = c2[2] / 2, hh2 = c2[3] / 2;
    b1x0 = c1[0] - hw1, b1x1 = c1[0] + hw1, b1y0 = c1[1] - hh1, b1y1 = c1[1] + hh1;
    b2x0 = c2[0] - hw2, b2x1 = c2[0] + hw2, b2y0 = c2[1] - hh2, b2y1 = c2[1] + hh2;
  } else {
    auto c1 = box1.unbind(-1), c2 = box2.unbind(-1);
    b1x0 = c1[0], b1y0 = c1[1], b1x1 = c1[2], b1y1 = c1[3];
    b2x0 = c2[0], b2y0 = c2[1], b2x1 = c2[2], b2y1 = c2[3];
  }
  auto inter = (torch::min(b1x1, b2x1) - torch::max(b1x0, b2x0)).clamp_min(0) *
               (torch::min(b1y1, b2y1) - torch::max(b1y0, b2y0)).clamp_min(0);
  auto w1 = b1x1 - b1x0, h1 = b1y1 - b1y0 + eps;
  auto w2 = b2x1 - b2x0, h2 = b2y1 - b2y0 + eps;
  auto uni = w1 * h1 + w2 * h2 - inter + eps;
  auto iou = inter / uni;
  if (kind == IouKind::IoU) return iou;
  auto cw = torch::max(b1x1, b2x1) - torch::min(b1x0, b2x0);  // enclosing box width
  auto ch = torch::max(b1y1, b2y1) - torch::min(b1y0, b2y0);  // and height
  if (kind == IouKind::GIoU) {
    auto c_area = cw * ch + eps;
    return iou - (c_area - uni) / c_area;
  }
  auto c2 = cw.pow(2) + ch.pow(2) + eps;  // squared enclosing diagonal
  auto rho2 = ((b2x0 + b2x1 - b1x0 - b1x1).pow(2) + (b2y0 + b2y1 - b1y0 - b1y1).pow(2)) / 4;  // centre distance^2
  if (kind == IouKind::DIoU) return iou - rho2 / c2;
  auto v = (4 / (kPi * kPi)) * (torch::atan(w2 / h2) - torch::atan(w1 / h1)).pow(2);
  torch::Tensor alpha;
  {
    torch::NoGradGuard no_grad;
    alpha = v / (v - iou + (1 + eps));
  }
  return iou - (rho2 / c2 + v * alpha);
}

torch::Tensor clip_boxes_to_image(const torch::Tensor& boxes, std::int64_t h, std::int64_t w) {
  using torch::indexing::None;
  using torch::indexing::Slice;
  auto x = boxes.index({Slice(), Slice(0, None, 2)}).clamp(0, double(w));
  auto y = boxes.index({Slice(), Slice(1, None, 2)}).clamp(0, double(h));
  return torch::stack({x.select(1, 0), y.select(1, 0), x.select(1, 1), y.select(1, 1)}, 1);
}

torch::Tensor remove_small_boxes(const torch::Tensor& boxes, double min_size) {
  auto ws = boxes.select(1, 2) - boxes.select(1, 0);
  auto hs = boxes.select(1, 3) - boxes.select(1, 1);
  return torch::nonzero((ws >= min_size) & (hs >= min_size)).squeeze(1);
}

}  // namespace autodet::models
