#pragma once
// torchvision's Fast R-CNN box branch: MultiScaleRoIAlign (7x7, sampling 2) of the proposals,
// TwoMLPHead (box_head.fc6 / fc7, 1024 wide) and FastRCNNPredictor (box_predictor.cls_score /
// bbox_pred over classes + background). Training adds the ground-truth boxes to the proposals,
// matches them (IoU 0.5), samples 512 per image with 25 % positives and computes the classifier
// and box losses; inference decodes per class, clips, drops background, scores <= threshold and
// boxes under 0.01 px, and keeps the top detections after class-wise NMS.
#include <cstdint>
#include <array>
#include <optional>
#include <utility>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "models/ops/box_coder.h"
#include "models/ops/matcher.h"
#include "models/ops/multiscale_roi_align.h"

namespace autodet::models {

class TwoMlpHeadImpl : public torch::nn::Module {
 public:
  TwoMlpHeadImpl(std::int64_t in_features, std::int64_t representation);
  torch::Tensor forward(const torch::Tensor& pooled);  // (K, C, 7, 7) -> (K, representation)
  torch::nn::Linear fc6{nullptr}, fc7{nullptr};
};
TORCH_MODULE(TwoMlpHead);

class FastRcnnPredictorImpl : public torch::nn::Module {
 public:
  FastRcnnPredictorImpl(std::int64_t in_features, std::int64_t classes_with_background);
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x);  // logits (K, C+1), offsets (K, 4(C+1))
  torch::nn::Linear cls_score{nullptr}, bbox_pred{nullptr};
};
TORCH_MODULE(FastRcnnPredictor);

struct RoiHeadSettings {
  double fg_iou = 0.5, bg_iou = 0.5;
  std::int64_t batch_size_per_image = 512;
  double positive_fraction = 0.25;
  std::array<double, 4> box_weights{10.0, 10.0, 5.0, 5.0};
};

struct RoiHeadOutput {
  // Per image (n, 6) [x0, y0, x1, y1, score, label] in resized-image pixels, label >= 1 (0 is
  // background); only from inference.
  std::vector<torch::Tensor> detections;
  torch::Tensor classifier_loss, box_loss;  // from training
};

// The logic around the box head and predictor.
class RoiBoxBranch {
 public:
  explicit RoiBoxBranch(RoiHeadSettings settings);
  // Training: losses from proposals + ground truth (gt_boxes per image (g, 4) xyxy, gt_labels (g)
  // int64 >= 1).
  RoiHeadOutput train(TwoMlpHead& head, FastRcnnPredictor& predictor, const std::vector<torch::Tensor>& features,
                      const std::vector<torch::Tensor>& proposals,
                      const std::vector<std::pair<std::int64_t, std::int64_t>>& image_sizes,
                      const std::vector<torch::Tensor>& gt_boxes, const std::vector<torch::Tensor>& gt_labels,
                      std::optional<torch::Generator> sampler_gen) const;
  // Inference: detections with score > score_thresh, NMS at nms_thresh, at most max_detections.
  RoiHeadOutput detect(TwoMlpHead& head, FastRcnnPredictor& predictor, const std::vector<torch::Tensor>& features,
                       const std::vector<torch::Tensor>& proposals,
                       const std::vector<std::pair<std::int64_t, std::int64_t>>& image_sizes, double score_thresh,
                       double nms_thresh, std::int64_t max_detections) const;

 private:
  RoiHeadSettings s_;
  MultiScaleRoIAlign pool_;
  BoxCoder coder_;
  Matcher matcher_;
  BalancedSampler sampler_;
};

}  // namespace autodet::models
