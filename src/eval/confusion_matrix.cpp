#include "eval/confusion_matrix.h"

#include <nlohmann/json.hpp>

#include "eval/box_outcomes.h"

namespace autodet::eval {

ConfusionMatrix confusion_matrix(const EvalSet& set, const ConfusionOptions& options) {
  const std::size_t C = set.classes.size();
  ConfusionMatrix cm;
  cm.options = options;
  cm.classes = set.classes;
  cm.counts.assign(C + 1, std::vector<long>(C + 1, 0));
  for (const EvalImage& im : set.images) {
    const ImageOutcomes o = match_image_boxes(im, C, options.score_threshold, options.iou_threshold);
    for (std::size_t d = 0; d < im.dets.size(); ++d) {
      if (o.matched_gt[d] >= 0) cm.counts[std::size_t(im.gts[std::size_t(o.matched_gt[d])].cls)][std::size_t(im.dets[d].cls)] += 1;
      if (o.dets[d] == BoxOutcome::Background) cm.counts[C][std::size_t(im.dets[d].cls)] += 1;
    }
    for (std::size_t g = 0; g < im.gts.size(); ++g) {
      const GtBox& gt = im.gts[g];
      if (!o.gt_matched[g] && !gt.crowd && gt.cls >= 0 && std::size_t(gt.cls) < C) cm.counts[std::size_t(gt.cls)][C] += 1;
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
