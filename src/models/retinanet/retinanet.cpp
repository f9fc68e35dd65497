#include "models/retinanet/retinanet.h"

#include <cmath>

#include <torch/torch.h>

#include "models/ops/box_ops.h"
#include "models/ops/focal_loss.h"
#include "models/ops/dense_detections.h"

namespace autodet::models {

AnchorGenerator RetinaNetImpl::default_anchors() {
  // Per level x in 32..512: (x, int(x * 2^(1/3)), int(x * 2^(2/3))), truncated as torchvision does.
  std::vector<std::vector<double>> sizes;
  for (double x : {32.0, 64.0, 128.0, 256.0, 512.0})
    sizes.push_back({x, std::floor(x * std::pow(2.0, 1.0 / 3)), std::floor(x * std::pow(2.0, 2.0 / 3))});
  return AnchorGenerator(sizes, std::vector<std::vector<double>>(5, {0.5, 1.0, 2.0}));
}

RetinaNetImpl::RetinaNetImpl(int depth, std::int64_t classes, RcnnTransform t, bool trainable_bn)
    : transform(std::move(t)), anchor_generator(default_anchors()), num_classes(classes) {
  auto backbone = register_module("backbone", std::make_shared<torch::nn::Module>());
  body = backbone->register_module("body", ResNet(depth, trainable_bn));
  auto c = body->channels();
  // returned_layers [2, 3, 4]: C3..C5; LastLevelP6P7(256, 256) reads P5.
  fpn = backbone->register_module("fpn", FeaturePyramid(std::vector<std::int64_t>{c[1], c[2], c[3]}, std::int64_t(256), FpnExtra::p6p7, std::int64_t(256)));
  head = register_module("head", RetinaNetHead(256, anchor_generator.anchors_per_location(), classes));
}

RetinaNetForward RetinaNetImpl::forward(const torch::Tensor& images, const std::vector<torch::Tensor>* gt_boxes_in,
                                        const std::vector<torch::Tensor>* gt_labels, bool detect,
                                        const RetinaNetSettings& s) {
  auto batch = transform(images);
  auto c = body->forward(batch.images);
  auto feats = fpn->forward({c[1], c[2], c[3]});
  auto logits = head->classification->forward(feats);   // (B, N, K)
  auto offsets = head->regression->forward(feats);      // (B, N, 4)
  std::vector<std::int64_t> per_level;
  auto anchors = anchor_generator.anchors(feats, batch.images.size(2), batch.images.size(3), &per_level);
  const auto B = images.size(0);
  RetinaNetForward out;

  if (gt_boxes_in) {
    const Matcher matcher(s.fg_iou, s.bg_iou, true);
    torch::Tensor cls_sum, box_sum;
    for (std::int64_t b = 0; b < B; ++b) {
      auto gt = RcnnTransform::to_resized((*gt_boxes_in)[std::size_t(b)], batch).to(anchors.dtype());
      const auto& labels = (*gt_labels)[std::size_t(b)];
      auto matched = gt.size(0) == 0
                         ? torch::full({anchors.size(0)}, Matcher::kBelow, torch::TensorOptions(torch::kLong).device(anchors.device()))
                         : matcher(box_iou(gt, anchors));
      auto fg = torch::nonzero(matched >= 0).squeeze(1);
      const double num_fg = std::max<double>(1.0, double(fg.numel()));
      auto cls = logits[b];
      auto target = torch::zeros_like(cls);
      if (fg.numel() > 0) {
        auto fg_labels = labels.index_select(0, matched.index_select(0, fg));
        target.index_put_({fg, fg_labels}, 1.0);
      }
      auto valid = torch::nonzero(matched != Matcher::kBetween).squeeze(1);
      auto cls_loss = sigmoid_focal_loss(cls.index_select(0, valid), target.index_select(0, valid)).sum() / num_fg;
      torch::Tensor box_loss;
      if (fg.numel() > 0) {
        auto want = coder_.encode(gt.index_select(0, matched.index_select(0, fg)), anchors.index_select(0, fg));
        box_loss = (offsets[b].index_select(0, fg) - want).abs().sum() / num_fg;
      } else {
        box_loss = offsets[b].sum() * 0.0;
      }
      cls_sum = cls_sum.defined() ? cls_sum + cls_loss : cls_loss;
      box_sum = box_sum.defined() ? box_sum + box_loss : box_loss;
    }
    out.loss_classification = cls_sum / double(B);
    out.loss_box_regression = box_sum / double(std::max<std::int64_t>(1, B));
  }

  if (detect) {
    torch::NoGradGuard no_grad;
    auto level_anchors = anchors.split_with_sizes(per_level);
    DenseDetectionSettings d{s.score_thresh, s.nms_thresh, s.topk_candidates, s.detections_per_image};
    for (std::int64_t b = 0; b < B; ++b) {
      auto level_logits = logits[b].split_with_sizes(per_level);
      auto level_offsets = offsets[b].split_with_sizes(per_level);
      std::vector<torch::Tensor> level_scores;
      for (const auto& l : level_logits) level_scores.push_back(torch::sigmoid(l));
      const auto [ih, iw] = batch.image_sizes[std::size_t(b)];
      auto dets = dense_detections(
          level_scores,
          [&](std::size_t l, const torch::Tensor& at) {
            return coder_.decode(level_offsets[l].index_select(0, at), level_anchors[l].index_select(0, at));
          },
          ih, iw, d);
      out.detections.push_back(torch::cat({RcnnTransform::to_input(dets.slice(1, 0, 4), batch), dets.slice(1, 4)}, 1));
    }
  }
  return out;
}

}  // namespace autodet::models
