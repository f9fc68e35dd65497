#pragma once
// torchvision's region proposal network: a shared 3x3 conv + ReLU, per-anchor objectness logits
// and box offsets on every FPN level (RPNHead: rpn.head.conv.0.0, cls_logits, bbox_pred); then
// per level the pre-NMS top-n by objectness, boxes decoded and clipped, tiny ones dropped, NMS
// per level and the post-NMS top-n; in training, anchors matched to ground truth (IoU 0.7 / 0.3,
// low-quality matches kept), a balanced sample of 256 and its objectness and box losses.
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include "models/ops/anchor_generator.h"
#include "models/ops/box_coder.h"
#include "models/ops/matcher.h"

namespace autodet::models {

class RpnHeadImpl : public torch::nn::Module {
 public:
  RpnHeadImpl(std::int64_t in_channels, std::int64_t num_anchors);
  // Per level: objectness (B, A, H, W) and offsets (B, 4A, H, W).
  std::pair<std::vector<torch::Tensor>, std::vector<torch::Tensor>> forward(const std::vector<torch::Tensor>& features);

  torch::nn::Conv2d conv{nullptr}, cls_logits{nullptr}, bbox_pred{nullptr};
};
TORCH_MODULE(RpnHead);

// The RPN's settings (torchvision's defaults; Azure does not expose them).
struct RpnSettings {
  std::int64_t pre_nms_top_n_train = 2000, pre_nms_top_n_test = 1000;
  std::int64_t post_nms_top_n_train = 2000, post_nms_top_n_test = 1000;
  double nms_thresh = 0.7;
  double fg_iou = 0.7, bg_iou = 0.3;
  std::int64_t batch_size_per_image = 256;
  double positive_fraction = 0.5;
  double score_thresh = 0.0;
  double min_size = 1e-3;
};

struct RpnOutput {
  std::vector<torch::Tensor> proposals;  // per image (n, 4) xyxy in resized-image pixels, detached
  torch::Tensor objectness_loss, box_loss;  // when targets were given
};

// The proposal logic around an RpnHead.
class RegionProposals {
 public:
  RegionProposals(AnchorGenerator anchors, RpnSettings settings);
  // features: the FPN levels; padded_h/w: the batch's input size; image_sizes: (h, w) of each
  // resized image; gt_boxes: per image (g, 4) xyxy, given in training (losses computed).
  // `training` selects the train or test top-n. sampler_gen: see BalancedSampler.
  RpnOutput operator()(RpnHead& head, const std::vector<torch::Tensor>& features, std::int64_t padded_h,
                       std::int64_t padded_w, const std::vector<std::pair<std::int64_t, std::int64_t>>& image_sizes,
                       bool training, const std::vector<torch::Tensor>* gt_boxes,
                       std::optional<torch::Generator> sampler_gen) const;

  const AnchorGenerator& anchor_generator() const { return anchors_; }
  const RpnSettings& settings() const { return s_; }

 private:
  AnchorGenerator anchors_;
  RpnSettings s_;
  BoxCoder coder_{{1.0, 1.0, 1.0, 1.0}};
  Matcher matcher_;
  BalancedSampler sampler_;
};

}  // namespace autodet::models
