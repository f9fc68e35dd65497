#include "models/ops/focal_loss.h"

#include <torch/torch.h>

namespace autodet::models {

torch::Tensor sigmoid_focal_loss(const torch::Tensor& logits, const torch::Tensor& targets, double alpha,
                                 double gamma) {
  auto p = torch::sigmoid(logits);
  auto ce = torch::binary_cross_entropy_with_logits(logits, targets, {}, {}, at::Reduction::None);
  auto p_t = p * targets + (1 - p) * (1 - targets);
  auto loss = ce * torch::pow(1 - p_t, gamma);
  if (alpha >= 0) loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss;
  return loss;
}

torch::Tensor generalized_box_iou_loss(const torch::Tensor& a, const torch::Tensor& b, double eps) {
  auto x1 = a.select(1, 0), y1 = a.select(1, 1), x2 = a.select(1, 2), y2 = a.select(1, 3);
  auto gx1 = b.select(1, 0), gy1 = b.select(1, 1), gx2 = b.select(1, 2), gy2 = b.select(1, 3);
  auto iw = torch::min(x2, gx2) - torch::max(x1, gx1), ih = torch::min(y2, gy2) - torch::max(y1, gy1);
  // Zero where the boxes do not overlap (torchvision masks rather than clamps: same values).
  auto inter = torch::where((iw > 0) & (ih > 0), iw * ih, torch::zeros_like(iw));
  auto uni = (x2 - x1) * (y2 - y1) + (gx2 - gx1) * (gy2 - gy1) - inter;
  auto iou = inter / (uni + eps);
  auto enclosing = (torch::max(x2, gx2) - torch::min(x1, gx1)) * (torch::max(y2, gy2) - torch::min(y1, gy1));
  return 1 - (iou - (enclosing - uni) / (enclosing + eps));
}

}  // namespace autodet::models
