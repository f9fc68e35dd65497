#pragma once
// The YOLOv5 (v6.x) training loss: targets assigned to anchors by the wh-ratio test and to the
// containing cell plus its two nearest neighbours, CIoU box loss, objectness BCE towards the
// detached IoU, class BCE; levels weighted 4.0 / 1.0 / 0.4.
#include <vector>

#include <torch/types.h>

#include "models/yolo/yolov5.h"

namespace autodet::models {

// The fixed YOLO hyper-parameters of Azure AutoML (spec §4.4). `box` is the job's "giou" gain.
struct YoloLossHyp {
  double box = 0.05;
  double cls = 0.58;
  double cls_pw = 1.0;
  double obj = 1.0;
  double obj_pw = 1.0;
  double anchor_t = 4.0;
  double fl_gamma = 0.0;         // > 0 wraps both BCEs in a focal loss (alpha 0.25)
  double label_smoothing = 0.0;  // class targets 1 - eps/2 and eps/2
};

// Targets assigned to each level, one entry per level, all on the predictions' device.
struct YoloTargets {
  std::vector<torch::Tensor> image, anchor, gj, gi;  // (n) int64 indices into (B, na, H, W)
  std::vector<torch::Tensor> cls;                    // (n) int64 class
  std::vector<torch::Tensor> box;                    // (n, 4) xy offset from the cell, wh; grid units
  std::vector<torch::Tensor> anchors;                // (n, 2) matched anchor wh, grid units
};

// The loss value and its parts.
struct YoloLossResult {
  torch::Tensor loss;   // scalar (box + obj + cls) * batch size, for backward()
  torch::Tensor parts;  // (3) detached box, obj, cls (already gain-weighted), for logging
};

// Computes the YOLOv5 loss. Gains are scaled as Ultralytics' train.py does: box * 3/nl,
// cls * nc/80 * 3/nl, obj * (image_size/640)^2 * 3/nl.
class YoloLoss {
 public:
  // Reads the anchors from `model` at every call (so set_anchors and .to(device) are seen).
  YoloLoss(const YoloV5& model, int image_size, YoloLossHyp hyp = {});
  // Fixed anchors (nl, na, 2) in grid units.
  YoloLoss(int num_classes, torch::Tensor anchors_grid, int image_size, YoloLossHyp hyp = {});

  // preds: raw head outputs (B, na, H, W, 5 + nc) per level; targets: (N, 6) rows
  // [image index in batch, class, cx, cy, w, h], coordinates normalised to [0, 1] of the input.
  YoloLossResult operator()(const std::vector<torch::Tensor>& preds, const torch::Tensor& targets) const;
  YoloTargets build_targets(const std::vector<torch::Tensor>& preds, const torch::Tensor& targets) const;

  double box_gain() const { return box_gain_; }
  double obj_gain() const { return obj_gain_; }
  double cls_gain() const { return cls_gain_; }
  const std::vector<double>& balance() const { return balance_; }

 private:
  torch::Tensor anchors(const torch::Device& device) const;
  void init(int image_size);

  YoloV5 model_{nullptr};
  torch::Tensor anchors_;
  int nc_ = 0, nl_ = 0, na_ = 0;
  YoloLossHyp hyp_;
  double box_gain_ = 0, obj_gain_ = 0, cls_gain_ = 0;
  std::vector<double> balance_;
};

// Indices of the last occurrence of each distinct value of a 1-D integer tensor, in ascending
// order of value. The loss uses it so that, when several targets land on one (image, anchor,
// cell), the last one sets the objectness target on every device.
torch::Tensor last_occurrence(const torch::Tensor& keys);

}  // namespace autodet::models
