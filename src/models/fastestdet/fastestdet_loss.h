#pragma once
// FastestDet's training loss, single level at stride 16. Each box is assigned to the cell holding
// its centre and the three cells nearest to the centre after it (a 2x2 block, so every positive
// cell can still reach the centre: the box centre is decoded as cell + tanh, within one cell).
// Box loss: 1 - SIoU between the decoded and the true box; objectness: smooth L1 of
// sigmoid(objectness) towards the detached, non-negative IoU, positives weighted so that each
// image's positives weigh as much as a quarter of its cells; classes: cross-entropy of the
// softmax at the positive cells (skipped with one class, where it is constant). Weights 8 / 16 / 1.
#include <torch/types.h>

namespace autodet::models {

struct FastestDetLossGains {
  double iou = 8.0;
  double obj = 16.0;
  double cls = 1.0;
  double negative_weight = 0.75;  // objectness weight of a cell without a box
};

struct FastestDetLossResult {
  torch::Tensor total;  // scalar
  torch::Tensor parts;  // (3) detached, weighted: iou, obj, cls
};

// SIoU (Gevorgyan, 2022) of matching rows of two (n, 4) [cx, cy, w, h] box sets: IoU minus half
// of the angle-aware distance cost and the shape cost.
torch::Tensor siou(const torch::Tensor& a, const torch::Tensor& b, double eps = 1e-7);

// logits: (B, 5 + nc, H, W) from FastestDetNet; targets: (N, 6) [image, class, cx, cy, w, h]
// normalised to the input.
FastestDetLossResult fastestdet_loss(const torch::Tensor& logits, const torch::Tensor& targets,
                                     const FastestDetLossGains& gains = {});

}  // namespace autodet::models
