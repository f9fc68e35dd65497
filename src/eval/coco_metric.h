#pragma once
// COCO detection metrics with pycocotools' exact semantics (COCOeval evaluate, accumulate,
// summarize for iouType "bbox"): the 12 standard numbers and the arrays they come from.
#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "eval/coco_params.h"
#include "eval/eval_set.h"

namespace autodet::eval {

// Names of the 12 numbers of COCOeval.summarize(), in its order.
inline constexpr std::array<const char*, 12> kCocoStatNames{"AP",   "AP50", "AP75", "APs",  "APm",  "APl",
                                                            "AR1",  "AR10", "AR100", "ARs", "ARm", "ARl"};

// pycocotools' eval["precision"] / eval["recall"] plus the summary; −1 marks settings
// without counted ground truth.
struct CocoResult {
  CocoParams params;
  std::vector<std::string> classes;
  std::array<double, 12> stats{};
  std::vector<double> per_class_ap;  // mean of precision[:, :, k, all, last maxDets] > −1; −1 when none

  // Interpolated precision at IoU threshold t, recall threshold r, class k, area a, maxDets m.
  double precision(std::size_t t, std::size_t r, std::size_t k, std::size_t a, std::size_t m) const;
  // Recall reached at (t, k, a, m).
  double recall(std::size_t t, std::size_t k, std::size_t a, std::size_t m) const;

  // The storage behind precision() and recall(), class-major: [k][a][m][t][r] and [k][a][m][t].
  std::vector<double> precision_values;
  std::vector<double> recall_values;
};

// Evaluates set's detections against its ground truth. Per image and class only the
// maxDets.back() highest-scoring detections count. threads = 0: one per hardware thread.
CocoResult evaluate_coco(const EvalSet& set, const CocoParams& params = CocoParams::defaults(), unsigned threads = 0);

}  // namespace autodet::eval
