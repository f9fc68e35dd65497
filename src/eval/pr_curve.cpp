#include "eval/pr_curve.h"

#include <algorithm>

namespace autodet::eval {

PrCurve make_pr_curve(const std::vector<ScoredOutcome>& sorted, std::size_t num_gt) {
  PrCurve c;
  c.score.reserve(sorted.size());
  c.precision.reserve(sorted.size());
  c.recall.reserve(sorted.size());
  double tp = 0, fp = 0;
  const double m = double(num_gt);
  for (const ScoredOutcome& s : sorted) {
    if (s.outcome == Outcome::TruePositive) tp += 1;
    if (s.outcome == Outcome::FalsePositive) fp += 1;
    c.score.push_back(s.score);
    c.precision.push_back(tp / (tp + fp + 1e-9));
    c.recall.push_back(tp / m);
  }
  return c;
}

std::vector<double> interpolated_precision(const PrCurve& curve, std::size_t points) {
  std::vector<double> out(points, 0.0);
  if (points == 0) return out;
  // Envelope from the right, then for each recall level the first point reaching it.
  std::vector<double> env(curve.precision);
  for (std::size_t i = env.size(); i-- > 1;) env[i - 1] = std::max(env[i - 1], env[i]);
  std::size_t i = 0;
  for (std::size_t r = 0; r < points; ++r) {
    const double level = points == 1 ? 0.0 : double(r) / double(points - 1);
    while (i < curve.recall.size() && curve.recall[i] < level) ++i;
    out[r] = i < env.size() ? env[i] : 0.0;
  }
  return out;
}

}  // namespace autodet::eval
