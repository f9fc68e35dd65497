#include "models/heads/roi_heads.h"

#include <torch/torch.h>

#include "models/ops/box_ops.h"
#include "models/ops/nms.h"

namespace autodet::models {

TwoMlpHeadImpl::TwoMlpHeadImpl(std::int64_t in, std::int64_t rep) {
  fc6 = register_module("fc6", torch::nn::Linear(in, rep));
  fc7 = register_module("fc7", torch::nn::Linear(rep, rep));
}

torch::Tensor TwoMlpHeadImpl::forward(const torch::Tensor& x) {
  return torch::relu(fc7->forward(torch::relu(fc6->forward(x.flatten(1)))));
}

FastRcnnPredictorImpl::FastRcnnPredictorImpl(std::int64_t in, std::int64_t classes) {
  cls_score = register_module("cls_score", torch::nn::Linear(in, classes));
  bbox_pred = register_module("bbox_pred", torch::nn::Linear(in, classes * 4));
}

std::pair<torch::Tensor, torch::Tensor> FastRcnnPredictorImpl::forward(const torch::Tensor& x) {
  auto f = x.flatten(1);
  return {cls_score->forward(f), bbox_pred->forward(f)};
}

RoiBoxBranch::RoiBoxBranch(RoiHeadSettings s)
    : s_(s), coder_(s.box_weights), matcher_(s.fg_iou, s.bg_iou, false), sampler_(s.batch_size_per_image, s.positive_fraction) {}

RoiHeadOutput RoiBoxBranch::train(TwoMlpHead& head, FastRcnnPredictor& predictor,
                                  const std::vector<torch::Tensor>& features, const std::vector<torch::Tensor>& proposals_in,
                                  const std::vector<std::pair<std::int64_t, std::int64_t>>& image_sizes,
                                  const std::vector<torch::Tensor>& gt_boxes, const std::vector<torch::Tensor>& gt_labels,
                                  std::optional<torch::Generator> sampler_gen) const {
  std::vector<torch::Tensor> proposals, labels, reg_targets;
  for (std::size_t i = 0; i < proposals_in.size(); ++i) {
    auto gt = gt_boxes[i].to(proposals_in[i].dtype());
    auto props = torch::cat({proposals_in[i], gt}, 0);
    torch::Tensor lab, matched_idx;
    if (gt.size(0) == 0) {
      matched_idx = torch::zeros({props.size(0)}, torch::TensorOptions(torch::kLong).device(props.device()));
      lab = torch::zeros({props.size(0)}, torch::TensorOptions(torch::kLong).device(props.device()));
    } else {
      auto m = matcher_(box_iou(gt, props));
      matched_idx = m.clamp_min(0);
      lab = gt_labels[i].index_select(0, matched_idx).to(torch::kLong);
      lab.masked_fill_(m == Matcher::kBelow, 0);
      lab.masked_fill_(m == Matcher::kBetween, -1);
    }
    auto [pos, neg] = sampler_(lab, sampler_gen);
    // torchvision keeps the sampled proposals in index order.
    auto sampled = std::get<0>(torch::cat({pos, neg}).sort());
    props = props.index_select(0, sampled);
    lab = lab.index_select(0, sampled);
    matched_idx = matched_idx.index_select(0, sampled);
    auto gt_or_zero = gt.size(0) == 0 ? torch::zeros({1, 4}, props.options()) : gt;
    reg_targets.push_back(coder_.encode(gt_or_zero.index_select(0, matched_idx), props));
    proposals.push_back(props);
    labels.push_back(lab);
  }
  auto pooled = pool_(features, proposals, image_sizes);
  auto [logits, offsets] = predictor->forward(head->forward(pooled));
  auto lab = torch::cat(labels), reg = torch::cat(reg_targets);
  RoiHeadOutput out;
  out.classifier_loss = torch::cross_entropy_loss(logits, lab);
  auto pos = torch::nonzero(lab > 0).squeeze(1);
  const auto K = logits.size(0);
  auto per_class = offsets.reshape({K, -1, 4});
  auto picked = per_class.index({pos, lab.index_select(0, pos)});
  out.box_loss = torch::smooth_l1_loss(picked, reg.index_select(0, pos), at::Reduction::Sum, 1.0 / 9) / double(lab.numel());
  return out;
}

RoiHeadOutput RoiBoxBranch::detect(TwoMlpHead& head, FastRcnnPredictor& predictor,
                                   const std::vector<torch::Tensor>& features, const std::vector<torch::Tensor>& proposals,
                                   const std::vector<std::pair<std::int64_t, std::int64_t>>& image_sizes,
                                   double score_thresh, double nms_thresh, std::int64_t max_detections) const {
  auto pooled = pool_(features, proposals, image_sizes);
  auto [logits, offsets] = predictor->forward(head->forward(pooled));
  const auto C = logits.size(1);
  auto all_props = torch::cat(proposals, 0);
  auto boxes_all = coder_.decode(offsets, all_props).reshape({all_props.size(0), C, 4});
  auto scores_all = torch::softmax(logits, -1);
  RoiHeadOutput out;
  std::int64_t start = 0;
  for (std::size_t i = 0; i < proposals.size(); ++i) {
    const auto n = proposals[i].size(0);
    auto boxes = clip_boxes_to_image(boxes_all.slice(0, start, start + n).reshape({-1, 4}), image_sizes[i].first,
                            image_sizes[i].second)
                     .reshape({n, C, 4});
    auto scores = scores_all.slice(0, start, start + n);
    start += n;
    auto labels = torch::arange(C, torch::TensorOptions(torch::kLong).device(scores.device())).view({1, -1}).expand_as(scores);
    boxes = boxes.slice(1, 1).reshape({-1, 4});
    auto s = scores.slice(1, 1).reshape({-1});
    auto l = labels.slice(1, 1).reshape({-1});
    auto keep = torch::nonzero(s > score_thresh).squeeze(1);
    boxes = boxes.index_select(0, keep), s = s.index_select(0, keep), l = l.index_select(0, keep);
    keep = remove_small_boxes(boxes, 1e-2);
    boxes = boxes.index_select(0, keep), s = s.index_select(0, keep), l = l.index_select(0, keep);
    keep = torchvision_batched_nms(boxes, s, l, nms_thresh).slice(0, 0, max_detections);
    out.detections.push_back(torch::cat({boxes.index_select(0, keep), s.index_select(0, keep).unsqueeze(1),
                                         l.index_select(0, keep).to(boxes.dtype()).unsqueeze(1)},
                                        1));
  }
  return out;
}

}  // namespace autodet::models
