#pragma once
// One evaluation of predictions against ground truth: the metrics validation_metric_type
// asks for, the primary metric, per-label rows and a confusion matrix, and their JSON.
#include <cstddef>
#include <optional>

#include <nlohmann/json_fwd.hpp>

#include "eval/coco_metric.h"
#include "eval/confusion_matrix.h"
#include "eval/eval_set.h"
#include "eval/metric_type.h"
#include "eval/voc_metric.h"

namespace autodet::eval {

struct EvalOptions {
  MetricType metric = MetricType::CocoVoc;
  VocOptions voc;                                // iou_threshold: validation_iou_threshold
  std::optional<double> box_score_threshold;     // R6.2: only predictions with score > this count
  std::optional<ConfusionOptions> confusion;     // compute a confusion matrix with these thresholds
  unsigned threads = 0;                          // 0: one per hardware thread
};

struct EvalReport {
  MetricType metric = MetricType::CocoVoc;
  std::optional<double> box_score_threshold;
  std::size_t images = 0, ground_truths = 0, predictions = 0;  // predictions after the score threshold
  std::optional<VocResult> voc;
  std::optional<CocoResult> coco;
  std::optional<ConfusionMatrix> confusion;
  std::optional<double> mean_average_precision;  // the primary metric (R6.3), unrounded
};

EvalReport evaluate(const EvalSet& set, const EvalOptions& options);

// Every number of the report: mean_average_precision, voc {mean_average_precision, precision,
// recall, per_label}, coco {AP, AP50, ..., ARl}, coco_per_label, per_label_metrics rows,
// confusion_matrix; with pr_curves, each class's curve too. −1 marks undefined values.
nlohmann::json to_json(const EvalReport& report, bool pr_curves = false);

}  // namespace autodet::eval
