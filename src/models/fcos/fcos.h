#pragma once
// torchvision's FCOS with a ResNet-50 FPN backbone (fcos_resnet50_fpn), as one module tree whose
// state_dict names are torchvision's: backbone.body.* (ResNet), backbone.fpn.* (C3..C5 laterals,
// P6/P7 from P5), head.classification_head.*, head.regression_head.*. One "anchor" per location,
// a square the level's stride wide (8..128), whose centre is the point FCOS regresses from.
#include <cstdint>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "models/backbones/resnet.h"
#include "models/heads/fcos_head.h"
#include "models/necks/fpn.h"
#include "models/ops/anchor_generator.h"
#include "models/rcnn/rcnn_transform.h"

namespace autodet::models {

// torchvision's defaults; score/NMS/count are Azure's box_score_threshold, nms_iou_threshold and
// box_detections_per_image.
struct FcosSettings {
  double score_thresh = 0.2;
  double nms_thresh = 0.6;
  std::int64_t detections_per_image = 100;
  std::int64_t topk_candidates = 1000;  // per level, before NMS
  double center_sampling_radius = 1.5;  // in strides
};

struct FcosForward {
  std::vector<torch::Tensor> detections;  // per image (n, 6) [x0, y0, x1, y1, score, label] in input pixels
  torch::Tensor loss_classification, loss_box_regression, loss_centerness;
};

class FcosImpl : public torch::nn::Module {
 public:
  // num_classes as torchvision counts them (with the background, which never trains).
  FcosImpl(int depth, std::int64_t num_classes, RcnnTransform transform, bool trainable_bn = false);

  // images (B, 3, H, W) RGB in [0, 1]. With targets (per image xyxy boxes in input pixels and
  // int64 labels >= 1) the three losses; detections when `detect` is set.
  FcosForward forward(const torch::Tensor& images, const std::vector<torch::Tensor>* gt_boxes,
                      const std::vector<torch::Tensor>* gt_labels, bool detect, const FcosSettings& settings);

  // For each anchor (A, 4) the index of the ground-truth box (M, 4) it learns, or -1: its centre
  // lies within radius strides of the box's centre and inside the box, the largest of its four
  // distances lies in the level's range (4..8 strides; from 0 on the first level, unbounded on the
  // last), and of several such boxes the smallest wins.
  static torch::Tensor match(const torch::Tensor& anchors, const torch::Tensor& gt_boxes,
                             const std::vector<std::int64_t>& per_level, double radius);

  RcnnTransform transform;
  ResNet body{nullptr};
  FeaturePyramid fpn{nullptr};
  FcosHead head{nullptr};
  AnchorGenerator anchor_generator;
  std::int64_t num_classes;

  static AnchorGenerator default_anchors();
};
TORCH_MODULE(Fcos);

}  // namespace autodet::models
