#pragma once
// A detection confusion matrix at one score threshold, with a background row (predictions
// that matched no object) and a "Missed" column (objects no prediction matched), written in
// Azure's confusion_matrix table format (spec §6.4).
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "eval/eval_set.h"

namespace autodet::eval {

struct ConfusionOptions {
  double score_threshold = 0.5;  // predictions with score >= this take part
  double iou_threshold = 0.5;    // a prediction and an object match at IoU >= this
};

// counts[i][j]: i = ground-truth class (last row: background), j = predicted class (last
// column: Missed). counts[C][C] is meaningless and 0.
struct ConfusionMatrix {
  ConfusionOptions options;
  std::vector<std::string> classes;
  std::vector<std::vector<long>> counts;  // (C+1) x (C+1)

  // {"schema_type":"confusion_matrix","schema_version":"1.0.0","data":{"class_labels":[...,"Missed"],
  //  "matrix":[[...]]}} with the bottom-right cell "N/A", plus the thresholds used.
  nlohmann::json to_json() const;
};

// Per image, predictions above the score threshold are taken highest score first and
// matched greedily: first to a not yet matched object of their own class (highest IoU),
// then, among those left, to an object of another class; a prediction left over counts as
// background unless it lies on a crowd region of its class (IoU >= threshold), which ignores
// it. Objects left over are Missed; crowd objects are never counted.
ConfusionMatrix confusion_matrix(const EvalSet& set, const ConfusionOptions& options = {});

}  // namespace autodet::eval
