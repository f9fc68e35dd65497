#pragma once
// torchvision's RetinaNet with a ResNet-50 FPN backbone (retinanet_resnet50_fpn, v1), as one
// module tree whose state_dict names are torchvision's: backbone.body.* (ResNet),
// backbone.fpn.* (C3..C5 laterals, P6/P7 from P5), head.classification_head.*,
// head.regression_head.*. Anchors: three sizes 2^(k/3) per octave 32..512, ratios 0.5, 1, 2.
#include <cstdint>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "models/backbones/resnet.h"
#include "models/heads/retinanet_head.h"
#include "models/necks/fpn.h"
#include "models/ops/anchor_generator.h"
#include "models/ops/box_coder.h"
#include "models/ops/matcher.h"
#include "models/rcnn/rcnn_transform.h"

namespace autodet::models {

// torchvision's defaults; score/NMS/count are Azure's box_score_threshold, nms_iou_threshold and
// box_detections_per_image.
struct RetinaNetSettings {
  double score_thresh = 0.05;
  double nms_thresh = 0.5;
  std::int64_t detections_per_image = 300;
  std::int64_t topk_candidates = 1000;  // per level, before NMS
  double fg_iou = 0.5, bg_iou = 0.4;
};

struct RetinaNetForward {
  std::vector<torch::Tensor> detections;  // per image (n, 6) [x0, y0, x1, y1, score, label] in input pixels
  torch::Tensor loss_classification, loss_box_regression;
};

class RetinaNetImpl : public torch::nn::Module {
 public:
  // num_classes as torchvision counts them (with the background, which never trains).
  RetinaNetImpl(int depth, std::int64_t num_classes, RcnnTransform transform, bool trainable_bn = false);

  // images (B, 3, H, W) RGB in [0, 1]. With targets (per image xyxy boxes in input pixels and
  // int64 labels >= 1) the two losses; detections when `detect` is set.
  RetinaNetForward forward(const torch::Tensor& images, const std::vector<torch::Tensor>* gt_boxes,
                           const std::vector<torch::Tensor>* gt_labels, bool detect, const RetinaNetSettings& settings);

  RcnnTransform transform;
  ResNet body{nullptr};
  FeaturePyramid fpn{nullptr};
  RetinaNetHead head{nullptr};
  AnchorGenerator anchor_generator;
  std::int64_t num_classes;

  static AnchorGenerator default_anchors();

 private:
  BoxCoder coder_{{1.0, 1.0, 1.0, 1.0}};
};
TORCH_MODULE(RetinaNet);

}  // namespace autodet::models
