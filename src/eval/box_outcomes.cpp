#include "eval/box_outcomes.h"

#include <algorithm>

#include "eval/iou.h"

namespace autodet::eval {
namespace {

// The index of the not yet matched, non-crowd ground truth with the highest IoU >= thr
// (same class or other classes, as asked), or -1.
long best_match(const EvalImage& im, const Detection& d, const std::vector<char>& taken, bool same_class, double thr) {
  long arg = -1;
  double best = thr;
  for (std::size_t g = 0; g < im.gts.size(); ++g) {
    const GtBox& gt = im.gts[g];
    if (taken[g] || gt.crowd || (gt.cls == d.cls) != same_class) continue;
    const double iou = box_iou(d.box, gt.box, false);
    if (iou >= best && (arg < 0 || iou > best)) {
      best = iou;
      arg = long(g);
    }
  }
  return arg;
}

bool on_crowd(const EvalImage& im, const Detection& d, double thr) {
  for (const GtBox& gt : im.gts)
    if (gt.crowd && gt.cls == d.cls && box_iou(d.box, gt.box, true) >= thr) return true;
  return false;
}

}  // namespace

ImageOutcomes match_image_boxes(const EvalImage& im, std::size_t num_classes, double score_threshold, double iou_threshold) {
  ImageOutcomes out;
  out.dets.assign(im.dets.size(), BoxOutcome::BelowThreshold);
  out.matched_gt.assign(im.dets.size(), -1);
  out.gt_matched.assign(im.gts.size(), 0);
  std::vector<std::size_t> order;
  for (std::size_t d = 0; d < im.dets.size(); ++d)
    if (im.dets[d].score >= score_threshold && im.dets[d].cls >= 0 && std::size_t(im.dets[d].cls) < num_classes)
      order.push_back(d);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return im.dets[a].score > im.dets[b].score; });
  std::vector<char> used(im.dets.size(), 0);
  for (bool same_class : {true, false}) {
    for (std::size_t d : order) {
      if (used[d]) continue;
      const long g = best_match(im, im.dets[d], out.gt_matched, same_class, iou_threshold);
      if (g < 0) continue;
      out.gt_matched[std::size_t(g)] = 1;
      used[d] = 1;
      out.matched_gt[d] = g;
      out.dets[d] = same_class ? BoxOutcome::TruePositive : BoxOutcome::WrongClass;
    }
  }
  for (std::size_t d : order)
    if (!used[d]) out.dets[d] = on_crowd(im, im.dets[d], iou_threshold) ? BoxOutcome::OnCrowd : BoxOutcome::Background;
  return out;
}

}  // namespace autodet::eval
