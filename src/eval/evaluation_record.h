#pragma once
// One model's evaluation on one dataset as a file (evaluation.json): every metric with the PR
// curves, confusion matrices at a ladder of score thresholds (Azure's
// confusion_matrix_score_threshold_<t>), and each image's objects and predictions, so that a
// report or `jobs show` reads them without running the model again.
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "eval/evaluate.h"

namespace autodet::eval {

// The score thresholds the record holds a confusion matrix for: 0.05, 0.10, ..., 0.95.
std::vector<double> confusion_thresholds();
// Azure's metric name for the confusion matrix at threshold t: "confusion_matrix_score_threshold_0.5".
std::string confusion_matrix_name(double t);

// {"schema": "autodet.evaluation", "version": 1, "metrics": to_json(report, pr_curves) ,
//  "confusion_matrices": {name: ConfusionMatrix::to_json()}, "classes": [...],
//  "images": [{"id", "url", "path", "width", "height", "objects": [[x, y, w, h, class, crowd]],
//              "predictions": [[x, y, w, h, class, score]]}]} (boxes in pixels).
// set: the predictions the report was computed from; the report's box_score_threshold is applied
// to them as evaluate() did, so the record's predictions give its metrics again.
nlohmann::json evaluation_record(EvalSet set, const EvalReport& report, double iou_threshold);

// The images, objects and predictions of a record; DataError naming `file` and the field when
// it is not a record.
EvalSet eval_set_from_record(const nlohmann::json& record, const std::string& file);

// The record without its images and PR curves, as `jobs show --json` lists it: {"epoch" (when
// training wrote it), "metrics", "confusion_matrices"}.
nlohmann::json evaluation_summary(const nlohmann::json& record);

// Atomic write (temporary file, then rename) and a read that names the file on any error.
void write_evaluation_record(const std::string& path, const nlohmann::json& record);
nlohmann::json read_evaluation_record(const std::string& path);

}  // namespace autodet::eval
