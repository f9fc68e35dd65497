#include "data/augment/box_candidates.h"

#include <algorithm>

namespace autodet {

bool box_candidate(const LabeledBox& before, const LabeledBox& after, double scale, const BoxCandidateRule& rule) {
  constexpr double eps = 1e-16;
  const double w1 = before.width() * scale, h1 = before.height() * scale;  // the source box zoomed
  const double w2 = after.width(), h2 = after.height();
  const double aspect = std::max(w2 / (h2 + eps), h2 / (w2 + eps));
  return w2 > rule.wh_thr && h2 > rule.wh_thr && w2 * h2 / (w1 * h1 + eps) > rule.area_thr && aspect < rule.ar_thr;
}

}  // namespace autodet
