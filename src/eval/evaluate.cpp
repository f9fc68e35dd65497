#include "eval/evaluate.h"

#include <nlohmann/json.hpp>

#include "eval/per_label.h"

namespace autodet::eval {

EvalReport evaluate(const EvalSet& set, const EvalOptions& options) {
  EvalReport rep;
  rep.metric = options.metric;
  rep.box_score_threshold = options.box_score_threshold;
  std::optional<EvalSet> filtered;
  if (options.box_score_threshold) {
    filtered = set;
    keep_scores_above(*filtered, *options.box_score_threshold);
  }
  const EvalSet& s = filtered ? *filtered : set;
  rep.images = s.images.size();
  rep.ground_truths = s.gt_count();
  rep.predictions = s.det_count();
  if (uses_voc(options.metric)) rep.voc = evaluate_voc(s, options.voc, options.threads);
  if (uses_coco(options.metric)) rep.coco = evaluate_coco(s, CocoParams::defaults(), options.threads);
  if (options.confusion) rep.confusion = confusion_matrix(s, *options.confusion);
  rep.mean_average_precision =
      primary_metric(options.metric, rep.voc ? &*rep.voc : nullptr, rep.coco ? &*rep.coco : nullptr);
  return rep;
}

nlohmann::json to_json(const EvalReport& rep, bool pr_curves) {
  using nlohmann::json;
  json j;
  j["metric_type"] = metric_type_name(rep.metric);
  j["mean_average_precision"] = rep.mean_average_precision ? json(*rep.mean_average_precision) : json(nullptr);
  j["box_score_threshold"] = rep.box_score_threshold ? json(*rep.box_score_threshold) : json(nullptr);
  j["images"] = rep.images;
  j["ground_truth_boxes"] = rep.ground_truths;
  j["predictions"] = rep.predictions;
  if (rep.voc) {
    const VocResult& v = *rep.voc;
    json per = json::object();
    for (const auto& c : v.per_class)
      per[c.name] = {{"average_precision", c.average_precision},
                     {"precision", c.precision},
                     {"recall", c.recall},
                     {"ground_truths", c.ground_truths},
                     {"predictions", c.predictions}};
    j["voc"] = {{"mean_average_precision", v.mean_average_precision},
                {"precision", v.precision},
                {"recall", v.recall},
                {"iou_threshold", v.options.iou_threshold},
                {"eleven_point", v.options.eleven_point},
                {"per_label", per}};
    j["per_label_metrics"] = per_label_metrics_json(per_label_metrics(v));
    if (pr_curves) {
      json curves = json::object();
      for (const auto& c : v.per_class)
        curves[c.name] = {{"score", c.curve.score}, {"precision", c.curve.precision}, {"recall", c.curve.recall}};
      j["pr_curves"] = curves;
    }
  }
  if (rep.coco) {
    json stats = json::object();
    for (std::size_t i = 0; i < kCocoStatNames.size(); ++i) stats[kCocoStatNames[i]] = rep.coco->stats[i];
    j["coco"] = stats;
    json per = json::object();
    for (std::size_t k = 0; k < rep.coco->classes.size(); ++k) per[rep.coco->classes[k]] = rep.coco->per_class_ap[k];
    j["coco_per_label"] = per;
  }
  if (rep.confusion) j["confusion_matrix"] = rep.confusion->to_json();
  return j;
}

}  // namespace autodet::eval
