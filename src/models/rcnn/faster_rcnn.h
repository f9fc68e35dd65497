#pragma once
// torchvision's Faster R-CNN with a ResNet-FPN backbone, as one module tree whose state_dict
// names are torchvision's: backbone.body.* (ResNet), backbone.fpn.* (FPN, max-pool level),
// rpn.head.*, roi_heads.box_head.fc6/fc7, roi_heads.box_predictor.cls_score/bbox_pred.
#include <cstdint>
#include <optional>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "models/backbones/resnet.h"
#include "models/heads/roi_heads.h"
#include "models/heads/rpn.h"
#include "models/necks/fpn.h"
#include "models/rcnn/rcnn_transform.h"

namespace autodet::models {

// Inference settings of the box branch (Azure's box_score_threshold, nms_iou_threshold,
// box_detections_per_image).
struct RcnnDetectSettings {
  double score_thresh = 0.05;
  double nms_thresh = 0.5;
  std::int64_t detections_per_image = 100;
};

// What one forward pass gives: detections in input pixels (inference) and/or the four losses.
struct RcnnForward {
  std::vector<torch::Tensor> detections;  // per image (n, 6) [x0, y0, x1, y1, score, label >= 1]
  torch::Tensor loss_classifier, loss_box_reg, loss_objectness, loss_rpn_box_reg;
};

class FasterRcnnImpl : public torch::nn::Module {
 public:
  // num_classes counts the background (torchvision's num_classes).
  FasterRcnnImpl(int depth, std::int64_t num_classes, RcnnTransform transform, bool trainable_bn = false);

  // images (B, 3, H, W) RGB in [0, 1]. With targets (per image xyxy boxes in input pixels and
  // int64 labels >= 1) the losses are computed, with the training top-n when the module is in
  // training mode; detections are computed when `detect` is set.
  RcnnForward forward(const torch::Tensor& images, const std::vector<torch::Tensor>* gt_boxes,
                      const std::vector<torch::Tensor>* gt_labels, bool detect, const RcnnDetectSettings& settings);

  // The FPN levels of normalised, resized, padded images.
  std::vector<torch::Tensor> features(const torch::Tensor& batch_images);

  // Random draws of the RPN's and the box branch's balanced samplers; unset = the first
  // candidates in index order (deterministic, for comparisons with torchvision).
  std::optional<torch::Generator> sampler_generator;

  RcnnTransform transform;
  ResNet body{nullptr};
  FeaturePyramid fpn{nullptr};
  RpnHead rpn_head{nullptr};
  TwoMlpHead box_head{nullptr};
  FastRcnnPredictor box_predictor{nullptr};
  RegionProposals rpn;
  RoiBoxBranch roi_branch;
  std::int64_t num_classes;
};
TORCH_MODULE(FasterRcnn);

}  // namespace autodet::models
