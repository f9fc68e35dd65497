#include "eval/confusion_matrix.h"

#include <algorithm>

#include <nlohmann/json.hpp>

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

ConfusionMatrix confusion_matrix(const EvalSet& set, const ConfusionOptions& options) {
  const std::size_t C = set.classes.size();
  ConfusionMatrix cm;
  cm.options = options;
  cm.classes = set.classes;
  cm.counts.assign(C + 1, std::vector<long>(C + 1, 0));
  std::vector<std::size_t> dets;
  std::vector<char> taken, used;
  for (const EvalImage& im : set.images) {
    dets.clear();
    for (std::size_t d = 0; d < im.dets.size(); ++d)
      if (im.dets[d].score >= options.score_threshold && im.dets[d].cls >= 0 && std::size_t(im.dets[d].cls) < C)
        dets.push_back(d);
    std::stable_sort(dets.begin(), dets.end(), [&](std::size_t a, std::size_t b) { return im.dets[a].score > im.dets[b].score; });
    taken.assign(im.gts.size(), 0);
    used.assign(dets.size(), 0);
    for (bool same_class : {true, false}) {
      for (std::size_t i = 0; i < dets.size(); ++i) {
        if (used[i]) continue;
        const Detection& d = im.dets[dets[i]];
        const long g = best_match(im, d, taken, same_class, options.iou_threshold);
        if (g < 0) continue;
        taken[std::size_t(g)] = 1;
        used[i] = 1;
        cm.counts[std::size_t(im.gts[std::size_t(g)].cls)][std::size_t(d.cls)] += 1;
      }
    }
    for (std::size_t i = 0; i < dets.size(); ++i) {
      const Detection& d = im.dets[dets[i]];
      if (!used[i] && !on_crowd(im, d, options.iou_threshold)) cm.counts[C][std::size_t(d.cls)] += 1;
    }
    for (std::size_t g = 0; g < im.gts.size(); ++g) {
      const GtBox& gt = im.gts[g];
      if (!taken[g] && !gt.crowd && gt.cls >= 0 && std::size_t(gt.cls) < C) cm.counts[std::size_t(gt.cls)][C] += 1;
    }
  }
  return cm;
}

nlohmann::json ConfusionMatrix::to_json() const {
  nlohmann::json labels = classes;
  labels.push_back("Missed");
  nlohmann::json matrix = nlohmann::json::array();
  for (std::size_t i = 0; i < counts.size(); ++i) {
    nlohmann::json row = nlohmann::json::array();
    for (std::size_t j = 0; j < counts[i].size(); ++j) {
      if (i == classes.size() && j == classes.size())
        row.push_back("N/A");
      else
        row.push_back(counts[i][j]);
    }
    matrix.push_back(std::move(row));
  }
  return {{"schema_type", "confusion_matrix"},
          {"schema_version", "1.0.0"},
          {"score_threshold", options.score_threshold},
          {"iou_threshold", options.iou_threshold},
          {"rows", "ground truth (last: background, predictions that matched nothing)"},
          {"columns", "predicted class (last: Missed, ground truths nothing matched)"},
          {"data", {{"class_labels", labels}, {"matrix", matrix}}}};
}

}  // namespace autodet::eval
