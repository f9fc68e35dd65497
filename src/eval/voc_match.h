#pragma once
// Azure's VOC matching of one image's predictions of one class (spec §6.2 step 1).
#include <cstdint>
#include <vector>

#include "eval/eval_set.h"

namespace autodet::eval {

// What a prediction counts as in the VOC metric.
enum class Outcome : std::uint8_t { FalsePositive, TruePositive, Ignored };

// dets: sorted by score, highest first; gts: the image's ground truths of the class.
// Each prediction takes the ground truth of maximal IoU (the first one on ties; crowd-aware
// pycocotools IoU, already-matched ones included). IoU >= iou_threshold: a crowd ground truth
// makes it Ignored, an unmatched one a TruePositive (and matched), a matched one a
// FalsePositive. Below the threshold, or with no ground truth: FalsePositive.
void match_voc(const std::vector<const Detection*>& dets, const std::vector<const GtBox*>& gts, double iou_threshold,
               std::vector<Outcome>& out);

}  // namespace autodet::eval
