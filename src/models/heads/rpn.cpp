#include "models/heads/rpn.h"

#include <torch/torch.h>

#include "models/ops/box_ops.h"
#include "models/ops/nms.h"

namespace autodet::models {
namespace {

torch::nn::Conv2d head_conv(std::int64_t in, std::int64_t out, std::int64_t k) {
  torch::nn::Conv2d c(torch::nn::Conv2dOptions(in, out, k).padding(k / 2));
  torch::nn::init::normal_(c->weight, 0.0, 0.01);
  torch::nn::init::zeros_(c->bias);
  return c;
}

// (B, A*C, H, W) -> (B, H*W*A, C), the order anchors are generated in.
torch::Tensor permute_and_flatten(const torch::Tensor& x, std::int64_t C) {
  const auto B = x.size(0), H = x.size(2), W = x.size(3);
  return x.view({B, -1, C, H, W}).permute({0, 3, 4, 1, 2}).reshape({B, -1, C});
}

}  // namespace

RpnHeadImpl::RpnHeadImpl(std::int64_t in, std::int64_t A) {
  // Conv2dNormActivation(in, in, 3, no norm) inside a Sequential: rpn.head.conv.0.0.*.
  torch::nn::ModuleList outer;
  torch::nn::Sequential inner;
  conv = head_conv(in, in, 3);
  inner->push_back(conv);
  outer->push_back(inner);
  register_module("conv", outer);
  cls_logits = register_module("cls_logits", head_conv(in, A, 1));
  bbox_pred = register_module("bbox_pred", head_conv(in, 4 * A, 1));
}

std::pair<std::vector<torch::Tensor>, std::vector<torch::Tensor>> RpnHeadImpl::forward(
    const std::vector<torch::Tensor>& features) {
  std::vector<torch::Tensor> logits, offsets;
  for (const auto& f : features) {
    auto t = torch::relu(conv->forward(f));
    logits.push_back(cls_logits->forward(t));
    offsets.push_back(bbox_pred->forward(t));
  }
  return {logits, offsets};
}

RegionProposals::RegionProposals(AnchorGenerator anchors, RpnSettings s)
    : anchors_(std::move(anchors)),
      s_(s),
      matcher_(s.fg_iou, s.bg_iou, true),
      sampler_(s.batch_size_per_image, s.positive_fraction) {}

RpnOutput RegionProposals::operator()(RpnHead& head, const std::vector<torch::Tensor>& features, std::int64_t padded_h,
                                      std::int64_t padded_w,
                                      const std::vector<std::pair<std::int64_t, std::int64_t>>& image_sizes,
                                      bool training, const std::vector<torch::Tensor>* gt_boxes,
                                      std::optional<torch::Generator> sampler_gen) const {
  auto [logits, offsets] = head->forward(features);
  std::vector<std::int64_t> per_level;
  auto anchors = anchors_.anchors(features, padded_h, padded_w, &per_level);
  const auto B = features[0].size(0);
  std::vector<torch::Tensor> obj_flat, off_flat;
  for (std::size_t l = 0; l < logits.size(); ++l) {
    obj_flat.push_back(permute_and_flatten(logits[l], 1));
    off_flat.push_back(permute_and_flatten(offsets[l], 4));
  }
  auto objectness = torch::cat(obj_flat, 1).reshape({B, -1});  // (B, A_total)
  auto deltas = torch::cat(off_flat, 1).reshape({-1, 4});       // (B * A_total, 4)
  auto proposals = coder_.decode(deltas.detach(), anchors.repeat({B, 1})).view({B, -1, 4});

  // Proposal selection.
  const std::int64_t pre_n = training ? s_.pre_nms_top_n_train : s_.pre_nms_top_n_test;
  const std::int64_t post_n = training ? s_.post_nms_top_n_train : s_.post_nms_top_n_test;
  auto obj = objectness.detach();
  std::vector<torch::Tensor> top_idx, level_ids;
  std::int64_t offset = 0;
  for (std::size_t l = 0; l < per_level.size(); ++l) {
    auto ob = obj.slice(1, offset, offset + per_level[l]);
    const std::int64_t k = std::min(pre_n, per_level[l]);
    top_idx.push_back(std::get<1>(ob.topk(k, 1)) + offset);
    level_ids.push_back(torch::full({k}, std::int64_t(l), torch::TensorOptions(torch::kLong).device(obj.device())));
    offset += per_level[l];
  }
  auto idx = torch::cat(top_idx, 1);  // (B, K)
  auto lvl = torch::cat(level_ids, 0);
  RpnOutput out;
  for (std::int64_t b = 0; b < B; ++b) {
    auto boxes = proposals[b].index_select(0, idx[b]);
    auto scores = torch::sigmoid(obj[b].index_select(0, idx[b]));
    auto lv = lvl;
    boxes = clip_boxes_to_image(boxes, image_sizes[std::size_t(b)].first, image_sizes[std::size_t(b)].second);
    auto keep = remove_small_boxes(boxes, s_.min_size);
    boxes = boxes.index_select(0, keep), scores = scores.index_select(0, keep), lv = lv.index_select(0, keep);
    keep = torch::nonzero(scores >= s_.score_thresh).squeeze(1);
    boxes = boxes.index_select(0, keep), scores = scores.index_select(0, keep), lv = lv.index_select(0, keep);
    keep = torchvision_batched_nms(boxes, scores, lv, s_.nms_thresh).slice(0, 0, post_n);
    out.proposals.push_back(boxes.index_select(0, keep));
  }

  if (gt_boxes) {
    std::vector<torch::Tensor> labels, targets, pos_all, neg_all;
    const auto A = anchors.size(0);
    for (std::int64_t b = 0; b < B; ++b) {
      const auto& gt = (*gt_boxes)[std::size_t(b)];
      torch::Tensor lab, matched;
      if (gt.size(0) == 0) {
        lab = torch::zeros({A}, anchors.options());
        matched = torch::zeros_like(anchors);
      } else {
        auto m = matcher_(box_iou(gt, anchors));
        matched = gt.index_select(0, m.clamp_min(0));
        lab = (m >= 0).to(anchors.dtype());
        lab.masked_fill_(m == Matcher::kBelow, 0.0);
        lab.masked_fill_(m == Matcher::kBetween, -1.0);
      }
      auto [pos, neg] = sampler_(lab, sampler_gen);
      pos_all.push_back(pos + b * A);
      neg_all.push_back(neg + b * A);
      labels.push_back(lab);
      targets.push_back(coder_.encode(matched, anchors));
    }
    auto pos = torch::cat(pos_all), neg = torch::cat(neg_all);
    auto sampled = torch::cat({pos, neg});
    auto lab = torch::cat(labels), reg = torch::cat(targets);
    auto flat_obj = objectness.flatten();
    out.box_loss = torch::smooth_l1_loss(deltas.index_select(0, pos), reg.index_select(0, pos), at::Reduction::Sum,
                                         1.0 / 9) /
                   double(sampled.numel());
    out.objectness_loss =
        torch::binary_cross_entropy_with_logits(flat_obj.index_select(0, sampled), lab.index_select(0, sampled));
  }
  return out;
}

}  // namespace autodet::models
