#include "eval/voc_match.h"

#include "eval/iou.h"

namespace autodet::eval {

void match_voc(const std::vector<const Detection*>& dets, const std::vector<const GtBox*>& gts, double iou_threshold,
               std::vector<Outcome>& out) {
  out.assign(dets.size(), Outcome::FalsePositive);
  if (gts.empty()) return;
  std::vector<char> taken(gts.size(), 0);
  for (std::size_t d = 0; d < dets.size(); ++d) {
    double best = -1;
    std::size_t arg = 0;
    for (std::size_t g = 0; g < gts.size(); ++g) {
      const double iou = box_iou(dets[d]->box, gts[g]->box, gts[g]->crowd);
      if (iou > best) {
        best = iou;
        arg = g;
      }
    }
    if (!(best >= iou_threshold)) continue;
    if (gts[arg]->crowd) {
      out[d] = Outcome::Ignored;
    } else if (!taken[arg]) {
      out[d] = Outcome::TruePositive;
      taken[arg] = 1;
    }
  }
}

}  // namespace autodet::eval
