#pragma once
// What became of each box of one image at a score threshold, by the confusion matrix's greedy
// matching: which object a prediction matched (its own class or another), which predictions
// matched nothing, which objects nothing matched. The matrix counts these; a gallery colours them.
#include <vector>

#include "eval/eval_set.h"

namespace autodet::eval {

// The fate of one prediction.
enum class BoxOutcome {
  BelowThreshold,  // score under the threshold (or an unknown class): takes no part
  TruePositive,    // matched an object of its own class
  WrongClass,      // matched an object of another class
  Background,      // matched nothing (a false positive)
  OnCrowd,         // matched nothing but lies on a crowd region of its class: ignored
};

// Per prediction (in the image's order) its outcome and the object it matched (-1 when none);
// per object whether a prediction matched it.
struct ImageOutcomes {
  std::vector<BoxOutcome> dets;
  std::vector<long> matched_gt;
  std::vector<char> gt_matched;
};

// Predictions with score >= score_threshold, highest score first, each take the not yet matched
// object of their own class with the highest IoU >= iou_threshold; those left take an object of
// another class the same way. num_classes bounds valid class indices.
ImageOutcomes match_image_boxes(const EvalImage& image, std::size_t num_classes, double score_threshold, double iou_threshold);

}  // namespace autodet::eval
