#include "eval/voc_metric.h"

#include <algorithm>

#include "eval/average_precision.h"
#include "eval/class_cells.h"
#include "eval/parallel.h"
#include "eval/voc_match.h"

namespace autodet::eval {
namespace {

VocClassResult evaluate_class(const ClassCells& cc, const VocOptions& opt) {
  VocClassResult r;
  std::vector<const GtBox*> gts;
  std::vector<const Detection*> dets;
  std::vector<Outcome> outcomes;
  std::vector<ScoredOutcome> all;  // in (image, score) order
  for (const Cell& cell : cc.cells) {
    gts.clear();
    dets.clear();
    for (std::uint32_t i = cell.gt_begin; i < cell.gt_end; ++i) {
      gts.push_back(&cc.gts[i]);
      if (!gts.back()->crowd) ++r.ground_truths;
    }
    for (std::uint32_t i = cell.det_begin; i < cell.det_end; ++i) dets.push_back(&cc.dets[i]);
    match_voc(dets, gts, opt.iou_threshold, outcomes);
    for (std::size_t d = 0; d < dets.size(); ++d) all.push_back({dets[d]->score, outcomes[d]});
  }
  r.predictions = all.size();
  const std::size_t m = r.ground_truths, n = r.predictions;
  if (m == 0) {  // AP and recall undefined; precision 0 when there are predictions
    r.precision = n == 0 ? -1.0 : 0.0;
    return r;
  }
  if (n == 0) {  // nothing predicted: AP 0, recall 0, precision undefined
    r.average_precision = 0;
    r.recall = 0;
    return r;
  }
  std::stable_sort(all.begin(), all.end(), [](const ScoredOutcome& a, const ScoredOutcome& b) { return a.score > b.score; });
  r.curve = make_pr_curve(all, m);
  r.precision = r.curve.precision.back();
  r.recall = r.curve.recall.back();
  r.average_precision = opt.eleven_point ? voc_ap_11_points(r.curve.precision, r.curve.recall)
                                         : voc_ap_all_points(r.curve.precision, r.curve.recall);
  return r;
}

double defined_mean(const std::vector<VocClassResult>& rs, double VocClassResult::*field) {
  double sum = 0;
  std::size_t count = 0;
  for (const auto& r : rs)
    if (r.*field != -1) {
      sum += r.*field;
      ++count;
    }
  return sum / (double(count) + 1e-9);
}

}  // namespace

double clamp_voc_iou_threshold(double iou) { return std::max(0.1, std::min(1.0, iou)); }

VocResult evaluate_voc(const EvalSet& set, const VocOptions& options, unsigned threads) {
  VocResult res;
  res.options = options;
  const std::vector<ClassCells> cells = group_by_class(set);
  res.per_class.resize(set.classes.size());
  parallel_for(set.classes.size(), threads, [&](std::size_t k) {
    res.per_class[k] = evaluate_class(cells[k], options);
    res.per_class[k].name = set.classes[k];
  });
  res.mean_average_precision = defined_mean(res.per_class, &VocClassResult::average_precision);
  res.precision = defined_mean(res.per_class, &VocClassResult::precision);
  res.recall = defined_mean(res.per_class, &VocClassResult::recall);
  return res;
}

}  // namespace autodet::eval
