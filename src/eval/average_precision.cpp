#include "eval/average_precision.h"

#include <algorithm>

namespace autodet::eval {

double voc_ap_all_points(const std::vector<double>& precision, const std::vector<double>& recall) {
  const std::size_t n = std::min(precision.size(), recall.size());
  // p'_i for i = n-1 .. 0 (the prepended point needs none: it is never summed).
  double ap = 0, env = 0;
  std::vector<double> envelope(n);
  for (std::size_t i = n; i-- > 0;) {
    env = std::max(env, precision[i]);
    envelope[i] = env;
  }
  double prev_recall = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ap += envelope[i] * (recall[i] - prev_recall);
    prev_recall = recall[i];
  }
  return ap;
}

double voc_ap_11_points(const std::vector<double>& precision, const std::vector<double>& recall) {
  const std::size_t n = std::min(precision.size(), recall.size());
  double sum = 0;
  for (int i = 0; i <= 10; ++i) {
    const double level = double(i) * 0.1;  // numpy.arange(0, 1.1, 0.1): 0.30000000000000004, ...
    double best = -1;
    for (std::size_t j = 0; j < n; ++j)
      if (recall[j] >= level) best = std::max(best, precision[j]);
    if (best >= 0) sum += best;
  }
  return sum / 11.0;
}

}  // namespace autodet::eval
