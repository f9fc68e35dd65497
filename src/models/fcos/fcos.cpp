#include "models/fcos/fcos.h"

#include <limits>

#include <torch/torch.h>

#include "models/ops/box_coder.h"
#include "models/ops/dense_detections.h"
#include "models/ops/focal_loss.h"

namespace autodet::models {

AnchorGenerator FcosImpl::default_anchors() {
  return AnchorGenerator({{8}, {16}, {32}, {64}, {128}}, std::vector<std::vector<double>>(5, {1.0}));
}

FcosImpl::FcosImpl(int depth, std::int64_t classes, RcnnTransform t, bool trainable_bn)
    : transform(std::move(t)), anchor_generator(default_anchors()), num_classes(classes) {
  auto backbone = register_module("backbone", std::make_shared<torch::nn::Module>());
  body = backbone->register_module("body", ResNet(depth, trainable_bn));
  auto c = body->channels();
  // returned_layers [2, 3, 4]: C3..C5; LastLevelP6P7(256, 256) reads P5.
  fpn = backbone->register_module("fpn", FeaturePyramid(std::vector<std::int64_t>{c[1], c[2], c[3]}, std::int64_t(256),
                                                        FpnExtra::p6p7, std::int64_t(256)));
  head = register_module("head", FcosHead(256, anchor_generator.anchors_per_location(), classes));
}

torch::Tensor FcosImpl::match(const torch::Tensor& anchors, const torch::Tensor& gt, const std::vector<std::int64_t>& per_level,
                              double radius) {
  auto centres = (anchors.slice(1, 0, 2) + anchors.slice(1, 2, 4)) / 2;  // (A, 2)
  auto sizes = anchors.select(1, 2) - anchors.select(1, 0);             // (A)
  auto gt_centres = (gt.slice(1, 0, 2) + gt.slice(1, 2, 4)) / 2;       // (M, 2)
  auto near = std::get<0>((centres.unsqueeze(1) - gt_centres.unsqueeze(0)).abs().max(2)) < radius * sizes.unsqueeze(1);
  auto x = centres.select(1, 0).unsqueeze(1), y = centres.select(1, 1).unsqueeze(1);  // (A, 1)
  auto dist = torch::stack({x - gt.select(1, 0).unsqueeze(0), y - gt.select(1, 1).unsqueeze(0),
                            gt.select(1, 2).unsqueeze(0) - x, gt.select(1, 3).unsqueeze(0) - y},
                           2);  // (A, M, 4)
  auto ok = near & (std::get<0>(dist.min(2)) > 0);
  auto lower = sizes * 4, upper = sizes * 8;
  lower.slice(0, 0, per_level.front()).fill_(0);
  upper.slice(0, anchors.size(0) - per_level.back()).fill_(std::numeric_limits<double>::infinity());
  auto reach = std::get<0>(dist.max(2));
  ok = ok & (reach > lower.unsqueeze(1)) & (reach < upper.unsqueeze(1));
  auto areas = (gt.select(1, 2) - gt.select(1, 0)) * (gt.select(1, 3) - gt.select(1, 1));
  auto preference = ok.to(torch::kFloat) * (1e8 - areas.unsqueeze(0));
  auto [best, idx] = preference.max(1);
  return idx.masked_fill(best < 1e-5, -1);
}

FcosForward FcosImpl::forward(const torch::Tensor& images, const std::vector<torch::Tensor>* gt_boxes_in,
                              const std::vector<torch::Tensor>* gt_labels, bool detect, const FcosSettings& s) {
  auto batch = transform(images);
  auto c = body->forward(batch.images);
  auto feats = fpn->forward({c[1], c[2], c[3]});
  auto logits = head->classification->forward(feats);  // (B, N, K)
  auto reg = head->regression->forward(feats);         // (B, N, 4), (B, N, 1)
  std::vector<std::int64_t> per_level;
  auto anchors = anchor_generator.anchors(feats, batch.images.size(2), batch.images.size(3), &per_level);
  const auto B = images.size(0);
  FcosForward out;

  if (gt_boxes_in) {
    // Every image's foreground pooled, the three sums divided by the batch's foreground count.
    std::vector<torch::Tensor> fg_pred, fg_box, fg_ctr, fg_anchor, targets;
    std::int64_t num_fg = 0;
    for (std::int64_t b = 0; b < B; ++b) {
      auto gt = RcnnTransform::to_resized((*gt_boxes_in)[std::size_t(b)], batch).to(anchors.dtype());
      const auto& labels = (*gt_labels)[std::size_t(b)];
      auto matched = gt.size(0) == 0 ? torch::full({anchors.size(0)}, -1, torch::TensorOptions(torch::kLong).device(anchors.device()))
                                     : match(anchors, gt, per_level, s.center_sampling_radius);
      auto fg = torch::nonzero(matched >= 0).squeeze(1);
      auto target = torch::zeros_like(logits[b]);
      if (fg.numel() > 0) {
        auto which = matched.index_select(0, fg);
        target.index_put_({fg, labels.index_select(0, which)}, 1.0);
        fg_pred.push_back(reg.distances[b].index_select(0, fg));
        fg_ctr.push_back(reg.centerness[b].index_select(0, fg).squeeze(1));
        fg_anchor.push_back(anchors.index_select(0, fg));
        fg_box.push_back(gt.index_select(0, which));
      }
      targets.push_back(target);
      num_fg += fg.numel();
    }
    const double denom = double(std::max<std::int64_t>(1, num_fg));
    out.loss_classification = sigmoid_focal_loss(logits, torch::stack(targets)).sum() / denom;
    if (num_fg > 0) {
      auto pred = torch::cat(fg_pred), ctr = torch::cat(fg_ctr), anc = torch::cat(fg_anchor), box = torch::cat(fg_box);
      out.loss_box_regression = generalized_box_iou_loss(LinearBoxCoder::decode(pred, anc), box).sum() / denom;
      // Centerness target: sqrt(min(l, r) / max(l, r) * min(t, b) / max(t, b)) of the true distances.
      auto d = LinearBoxCoder::encode(anc, box);
      auto lr = torch::stack({d.select(1, 0), d.select(1, 2)}, 1), tb = torch::stack({d.select(1, 1), d.select(1, 3)}, 1);
      auto want = torch::sqrt(std::get<0>(lr.min(1)) / std::get<0>(lr.max(1)) * (std::get<0>(tb.min(1)) / std::get<0>(tb.max(1))));
      out.loss_centerness =
          torch::binary_cross_entropy_with_logits(ctr, want, {}, {}, at::Reduction::Sum) / denom;
    } else {
      out.loss_box_regression = reg.distances.sum() * 0.0;
      out.loss_centerness = reg.centerness.sum() * 0.0;
    }
  }

  if (detect) {
    torch::NoGradGuard no_grad;
    auto level_anchors = anchors.split_with_sizes(per_level);
    DenseDetectionSettings d{s.score_thresh, s.nms_thresh, s.topk_candidates, s.detections_per_image};
    for (std::int64_t b = 0; b < B; ++b) {
      auto level_logits = logits[b].split_with_sizes(per_level);
      auto level_dist = reg.distances[b].split_with_sizes(per_level);
      auto level_ctr = reg.centerness[b].split_with_sizes(per_level);
      std::vector<torch::Tensor> level_scores;
      for (std::size_t l = 0; l < per_level.size(); ++l)
        level_scores.push_back(torch::sqrt(torch::sigmoid(level_logits[l]) * torch::sigmoid(level_ctr[l])));
      const auto [ih, iw] = batch.image_sizes[std::size_t(b)];
      auto dets = dense_detections(
          level_scores,
          [&](std::size_t l, const torch::Tensor& at) {
            return LinearBoxCoder::decode(level_dist[l].index_select(0, at), level_anchors[l].index_select(0, at));
          },
          ih, iw, d);
      out.detections.push_back(torch::cat({RcnnTransform::to_input(dets.slice(1, 0, 4), batch), dets.slice(1, 4)}, 1));
    }
  }
  return out;
}

}  // namespace autodet::models
