#include "models/yolo/yolo_loss.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/error.h"
#include "models/ops/box_ops.h"

namespace autodet::models {

using torch::indexing::Slice;

namespace {

constexpr double kOffsetBias = 0.5;  // a target also goes to a neighbour cell within 0.5 of its centre

// BCE with logits (mean), optionally wrapped in Ultralytics' focal loss (gamma > 0, alpha 0.25).
torch::Tensor bce(const torch::Tensor& pred, const torch::Tensor& target, const torch::Tensor& pos_weight,
                  double gamma) {
  if (gamma <= 0)
    return torch::binary_cross_entropy_with_logits(pred, target, {}, pos_weight, at::Reduction::Mean);
  auto loss = torch::binary_cross_entropy_with_logits(pred, target, {}, pos_weight, at::Reduction::None);
  const double alpha = 0.25;
  auto prob = pred.sigmoid();
  auto p_t = target * prob + (1 - target) * (1 - prob);
  auto alpha_factor = target * alpha + (1 - target) * (1 - alpha);
  return (loss * alpha_factor * (1.0 - p_t).pow(gamma)).mean();
}

}  // namespace

torch::Tensor last_occurrence(const torch::Tensor& keys) {
  // A stable sort keeps equal keys in their original order, so each run of equal keys ends with
  // the last occurrence. (scatter_reduce "amax" does the same, but is a beta API in libtorch 1.13
  // and prints a warning in every training process.)
  const auto n = keys.size(0);
  auto [sorted, order] = torch::sort(keys, /*stable=*/c10::optional<bool>(true), /*dim=*/0, /*descending=*/false);
  auto run_end = torch::ones_like(sorted, torch::kBool);
  if (n > 1) run_end.slice(0, 0, n - 1).copy_(sorted.slice(0, 0, n - 1) != sorted.slice(0, 1, n));
  return order.index({run_end});
}

YoloLoss::YoloLoss(const YoloV5& model, int image_size, YoloLossHyp hyp)
    : model_(model), nc_(model->num_classes()), nl_(model->num_levels()), na_(model->num_anchors()), hyp_(hyp) {
  init(image_size);
}

YoloLoss::YoloLoss(int num_classes, torch::Tensor anchors_grid, int image_size, YoloLossHyp hyp)
    : anchors_(std::move(anchors_grid)), nc_(num_classes), hyp_(hyp) {
  if (anchors_.dim() != 3 || anchors_.size(2) != 2) throw UsageError("yolo loss: anchors must be (nl, na, 2)");
  nl_ = int(anchors_.size(0));
  na_ = int(anchors_.size(1));
  init(image_size);
}

void YoloLoss::init(int image_size) {
  if (nc_ < 1) throw UsageError("yolo loss: num_classes must be at least 1");
  if (image_size < 1) throw UsageError("yolo loss: image_size must be at least 1");
  const double level_scale = 3.0 / nl_;
  box_gain_ = hyp_.box * level_scale;
  cls_gain_ = hyp_.cls * nc_ / 80.0 * level_scale;
  obj_gain_ = hyp_.obj * (image_size / 640.0) * (image_size / 640.0) * level_scale;
  balance_ = nl_ == 3 ? std::vector<double>{4.0, 1.0, 0.4} : std::vector<double>{4.0, 1.0, 0.25, 0.06, 0.02};
  if (nl_ > int(balance_.size())) throw UsageError("yolo loss: at most 5 levels");
  balance_.resize(std::size_t(nl_));
}

torch::Tensor YoloLoss::anchors(const torch::Device& device) const {
  const auto& a = model_ ? model_->anchors_grid() : anchors_;
  return a.detach().to(device, torch::kFloat);
}

YoloTargets YoloLoss::build_targets(const std::vector<torch::Tensor>& preds, const torch::Tensor& targets_in) const {
  if (int(preds.size()) != nl_) throw UsageError(fmt::format("yolo loss: expected {} prediction levels", nl_));
  if (targets_in.dim() != 2 || targets_in.size(1) != 6) throw UsageError("yolo loss: targets must be (N, 6)");
  const auto device = preds[0].device();
  const auto fopt = torch::TensorOptions().dtype(torch::kFloat).device(device);
  const auto all_anchors = anchors(device);
  const std::int64_t nt = targets_in.size(0);

  // (na, nt, 7): every target once per anchor, with the anchor index appended.
  auto targets = targets_in.detach().to(device, torch::kFloat);
  auto ai = torch::arange(na_, fopt).view({na_, 1}).repeat({1, nt});
  auto tg = torch::cat({targets.repeat({na_, 1, 1}), ai.unsqueeze(2)}, 2);
  const float g = float(kOffsetBias);
  auto off = torch::tensor({0.f, 0.f, 1.f, 0.f, 0.f, 1.f, -1.f, 0.f, 0.f, -1.f}).view({5, 2}).to(device) * g;

  YoloTargets out;
  for (int i = 0; i < nl_; ++i) {
    const auto& p = preds[std::size_t(i)];
    const std::int64_t h = p.size(2), w = p.size(3);
    auto anchors_i = all_anchors[i];  // (na, 2)
    auto gain = torch::tensor({1.f, 1.f, float(w), float(h), float(w), float(h), 1.f}).to(device);
    auto t = tg * gain;
    torch::Tensor offsets;
    if (nt > 0) {
      // Anchor match: both wh ratios (either way) below anchor_t.
      auto r = t.index({Slice(), Slice(), Slice(4, 6)}) / anchors_i.unsqueeze(1);
      auto keep = std::get<0>(torch::max(r, 1 / r).max(2)) < hyp_.anchor_t;
      t = t.index({keep});  // (m, 7)
      // Neighbour cells: left/up when the centre is in the cell's left/top half (and not in the
      // first cell), right/down likewise from the far side.
      auto gxy = t.index({Slice(), Slice(2, 4)});
      auto gxi = gain.index({Slice(2, 4)}) - gxy;
      auto near = (torch::remainder(gxy, 1.0) < g) & (gxy > 1);
      auto far = (torch::remainder(gxi, 1.0) < g) & (gxi > 1);
      auto mask = torch::stack({torch::ones_like(near.select(1, 0)), near.select(1, 0), near.select(1, 1),
                                far.select(1, 0), far.select(1, 1)});  // (5, m)
      t = t.repeat({5, 1, 1}).index({mask});
      offsets = (torch::zeros_like(gxy).unsqueeze(0) + off.unsqueeze(1)).index({mask});
    } else {
      t = tg[0];
      offsets = torch::zeros({0, 2}, fopt);
    }
    auto b = t.select(1, 0).to(torch::kLong);
    auto c = t.select(1, 1).to(torch::kLong);
    auto gxy = t.index({Slice(), Slice(2, 4)});
    auto gwh = t.index({Slice(), Slice(4, 6)});
    auto a = t.select(1, 6).to(torch::kLong);
    auto gij = (gxy - offsets).to(torch::kLong);
    auto gi = gij.select(1, 0).clamp(0, w - 1);
    auto gj = gij.select(1, 1).clamp(0, h - 1);
    // As in Ultralytics, the box offset is taken from the clamped cell.
    auto cell = torch::stack({gi, gj}, 1).to(torch::kFloat);
    out.image.push_back(b);
    out.anchor.push_back(a);
    out.gj.push_back(gj);
    out.gi.push_back(gi);
    out.cls.push_back(c);
    out.box.push_back(torch::cat({gxy - cell, gwh}, 1));
    out.anchors.push_back(anchors_i.index({a}));
  }
  return out;
}

YoloLossResult YoloLoss::operator()(const std::vector<torch::Tensor>& preds, const torch::Tensor& targets) const {
  if (int(preds.size()) != nl_) throw UsageError(fmt::format("yolo loss: expected {} prediction levels", nl_));
  const auto bs = preds[0].size(0);
  for (const auto& p : preds)
    if (p.dim() != 5 || p.size(1) != na_ || p.size(4) != nc_ + 5 || p.size(0) != bs)
      throw UsageError(fmt::format("yolo loss: predictions must be (B, {}, H, W, {})", na_, nc_ + 5));
  if (targets.dim() == 2 && targets.size(1) == 6 && targets.size(0) > 0 && targets.device().is_cpu()) {
    // Cheap sanity check of user-facing indices (skipped for device tensors to avoid a sync).
    auto ic = targets.index({Slice(), Slice(0, 2)}).to(torch::kDouble);
    auto lo = std::get<0>(ic.min(0)), hi = std::get<0>(ic.max(0));
    if (lo[0].item<double>() < 0 || hi[0].item<double>() >= double(bs))
      throw UsageError("yolo loss: target image index outside the batch");
    if (lo[1].item<double>() < 0 || hi[1].item<double>() >= double(nc_))
      throw UsageError(fmt::format("yolo loss: target class outside [0, {})", nc_));
  }

  const auto device = preds[0].device();
  const auto fopt = torch::TensorOptions().dtype(preds[0].scalar_type()).device(device);
  const auto tt = build_targets(preds, targets);
  torch::Tensor cls_pw, obj_pw;  // undefined when 1 (the same value, one multiply less)
  if (hyp_.cls_pw != 1.0) cls_pw = torch::full({1}, hyp_.cls_pw, fopt);
  if (hyp_.obj_pw != 1.0) obj_pw = torch::full({1}, hyp_.obj_pw, fopt);
  const double cp = 1.0 - 0.5 * hyp_.label_smoothing, cn = 0.5 * hyp_.label_smoothing;
  const double gr = 1.0;  // objectness target = IoU

  auto lbox = torch::zeros({1}, fopt), lobj = torch::zeros({1}, fopt), lcls = torch::zeros({1}, fopt);
  for (int i = 0; i < nl_; ++i) {
    const auto& pi = preds[std::size_t(i)];
    auto tobj = torch::zeros({pi.size(0), pi.size(1), pi.size(2), pi.size(3)}, fopt);
    const auto& b = tt.image[std::size_t(i)];
    const auto n = b.size(0);
    if (n > 0) {
      const auto& a = tt.anchor[std::size_t(i)];
      const auto& gj = tt.gj[std::size_t(i)];
      const auto& gi = tt.gi[std::size_t(i)];
      auto ps = pi.index({b, a, gj, gi});  // (n, 5 + nc)
      auto pxy = ps.index({Slice(), Slice(0, 2)}).sigmoid() * 2 - 0.5;
      auto pwh = (ps.index({Slice(), Slice(2, 4)}).sigmoid() * 2).pow(2) * tt.anchors[std::size_t(i)];
      auto pbox = torch::cat({pxy, pwh}, 1);
      auto iou = aligned_box_iou(pbox, tt.box[std::size_t(i)], IouKind::CIoU, /*xywh=*/true);
      lbox = lbox + (1.0 - iou).mean();
      auto score = ((1.0 - gr) + gr * iou.detach().clamp_min(0)).to(tobj.scalar_type());
      // Several targets can land on one (image, anchor, cell). Ultralytics writes them with
      // index_put_, where the last one wins on the CPU and an unspecified one on CUDA; here the last
      // one wins on every device, so the loss is deterministic.
      auto lin = ((b * pi.size(1) + a) * pi.size(2) + gj) * pi.size(3) + gi;
      auto winner = last_occurrence(lin);
      tobj.view(-1).index_put_({lin.index({winner})}, score.index({winner}));
      if (nc_ > 1) {
        auto pcls = ps.index({Slice(), Slice(5, torch::indexing::None)});
        auto t = torch::full_like(pcls, cn);
        t.scatter_(1, tt.cls[std::size_t(i)].unsqueeze(1), cp);
        lcls = lcls + bce(pcls, t, cls_pw, hyp_.fl_gamma);
      }
    }
    auto obji = bce(pi.select(4, 4), tobj, obj_pw, hyp_.fl_gamma);
    lobj = lobj + obji * balance_[std::size_t(i)];
  }
  lbox = lbox * box_gain_;
  lobj = lobj * obj_gain_;
  lcls = lcls * cls_gain_;
  YoloLossResult r;
  r.loss = ((lbox + lobj + lcls) * double(bs)).squeeze();
  r.parts = torch::cat({lbox, lobj, lcls}).detach();
  return r;
}

}  // namespace autodet::models
