#pragma once
// The precision-recall curve of one class: one point after each prediction, highest score
// first (spec §6.2 step 3).
#include <cstddef>
#include <vector>

#include "eval/voc_match.h"

namespace autodet::eval {

struct PrCurve {
  std::vector<double> score;      // the prediction's score
  std::vector<double> precision;  // cumTP / (cumTP + cumFP + 1e-9)
  std::vector<double> recall;     // cumTP / ground truths
  std::size_t size() const { return score.size(); }
};

// A scored outcome of one prediction.
struct ScoredOutcome {
  double score = 0;
  Outcome outcome = Outcome::FalsePositive;
};

// sorted: a class's predictions over all images, highest score first. Ignored predictions
// add a point but count as neither TP nor FP. num_gt (non-crowd ground truths) must be > 0.
PrCurve make_pr_curve(const std::vector<ScoredOutcome>& sorted, std::size_t num_gt);

// The curve sampled at recall 0, 0.01, ..., 1: the highest precision at recall >= r (0 when
// none), i.e. the interpolated curve a plot needs.
std::vector<double> interpolated_precision(const PrCurve& curve, std::size_t points = 101);

}  // namespace autodet::eval
