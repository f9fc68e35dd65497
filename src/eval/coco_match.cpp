#include "eval/coco_match.h"

#include <algorithm>

namespace autodet::eval {

void match_cell(const std::vector<const GtBox*>& gts, const std::vector<const Detection*>& dets,
                const std::vector<double>& ious, const AreaRange& range, const std::vector<double>& iou_thresholds,
                CellMatch& out, MatchScratch& scratch) {
  const std::size_t G = gts.size(), D = dets.size(), T = iou_thresholds.size();
  out.matched.assign(D, 0);
  out.ignored.assign(D, 0);

  // A ground truth is ignored when it is a crowd or its area is outside the range;
  // ignored ones go last, otherwise in input order (pycocotools' stable argsort).
  auto& order = scratch.gt_order;
  auto& ignored = scratch.gt_ignored;
  order.clear();
  ignored.assign(G, 0);
  int counted = 0;
  for (std::size_t g = 0; g < G; ++g) {
    ignored[g] = gts[g]->crowd || !range.contains(gts[g]->box.area());
    if (!ignored[g]) {
      order.push_back(std::uint32_t(g));
      ++counted;
    }
  }
  for (std::size_t g = 0; g < G; ++g)
    if (ignored[g]) order.push_back(std::uint32_t(g));
  out.gt_counted = counted;

  if (G > 0 && D > 0) {
    auto& taken = scratch.gt_taken;  // per sorted position
    for (std::size_t t = 0; t < T; ++t) {
      taken.assign(G, 0);
      const std::uint32_t bit = 1u << t;
      for (std::size_t d = 0; d < D; ++d) {
        double best = std::min(iou_thresholds[t], 1 - 1e-10);
        long m = -1;
        const double* row = ious.data() + d * G;
        for (std::size_t j = 0; j < G; ++j) {
          const std::uint32_t g = order[j];
          // A ground truth matches once, except a crowd, which absorbs every detection.
          if (taken[j] && !gts[g]->crowd) continue;
          // Once matched to a counted ground truth, stop at the first ignored one.
          if (m > -1 && !ignored[order[std::size_t(m)]] && ignored[g]) break;
          if (row[g] < best) continue;
          best = row[g];
          m = long(j);
        }
        if (m == -1) continue;
        out.matched[d] |= bit;
        if (ignored[order[std::size_t(m)]]) out.ignored[d] |= bit;
        taken[std::size_t(m)] = 1;
      }
    }
  }

  // Unmatched detections outside the area range are ignored.
  const std::uint32_t all = T >= 32 ? ~0u : (1u << T) - 1;
  for (std::size_t d = 0; d < D; ++d)
    if (!range.contains(dets[d]->box.area())) out.ignored[d] |= ~out.matched[d] & all;
}

}  // namespace autodet::eval
