#pragma once
// Azure AutoML's VOC metric (spec §6.2): per-class AP, precision and recall at one IoU
// threshold, and their class means; −1 marks undefined values.
#include <cstddef>
#include <string>
#include <vector>

#include "eval/eval_set.h"
#include "eval/pr_curve.h"

namespace autodet::eval {

struct VocOptions {
  double iou_threshold = 0.5;  // validation_iou_threshold
  bool eleven_point = false;   // 11-point AP instead of the all-point AUC
};

// validation_iou_threshold clamped to [0.1, 1] as Azure does (R4.2).
double clamp_voc_iou_threshold(double iou);

struct VocClassResult {
  std::string name;
  double average_precision = -1;
  double precision = -1;  // at the lowest score (the last point of the curve)
  double recall = -1;     // the highest recall reached
  std::size_t ground_truths = 0;  // non-crowd ground-truth boxes (m)
  std::size_t predictions = 0;    // predictions of the class (n), ignored ones included
  PrCurve curve;                  // empty unless m > 0 and n > 0
};

struct VocResult {
  VocOptions options;
  std::vector<VocClassResult> per_class;  // in class order
  // Means over classes of the defined (!= −1) values: sum / (count + 1e-9).
  double mean_average_precision = 0;
  double precision = 0;
  double recall = 0;
};

// threads = 0: one per hardware thread. iou_threshold is used as given (see clamp above).
VocResult evaluate_voc(const EvalSet& set, const VocOptions& options = {}, unsigned threads = 0);

}  // namespace autodet::eval
