#include "eval/coco_metric.h"

#include <algorithm>
#include <limits>

#include "core/error.h"
#include "eval/class_cells.h"
#include "eval/coco_match.h"
#include "eval/iou.h"
#include "eval/parallel.h"

namespace autodet::eval {
namespace {

struct Dims {
  std::size_t T, R, K, A, M;
};

// Matches and accumulates one class k, filling its slices of precision and recall.
class ClassEvaluator {
 public:
  ClassEvaluator(const CocoParams& p, const Dims& dims) : p_(p), dims_(dims) {}

  void run(const ClassCells& cc, double* precision, double* recall) {
    const std::size_t A = dims_.A, T = dims_.T;
    if (cc.cells.empty()) return;  // no image has this class: stays −1 (pycocotools' empty E)
    const std::uint32_t max_det = std::uint32_t(p_.max_dets.back());

    // Match every cell for every area range; record per kept detection its score, rank and
    // the matched/ignored masks per area range.
    scores_.clear();
    ranks_.clear();
    matched_.clear();
    ignored_.clear();
    std::vector<long> counted(A, 0);
    for (const Cell& cell : cc.cells) {
      gts_.clear();
      dets_.clear();
      for (std::uint32_t i = cell.gt_begin; i < cell.gt_end; ++i) gts_.push_back(&cc.gts[i]);
      const std::uint32_t D = std::min(cell.det_size(), max_det);
      for (std::uint32_t i = 0; i < D; ++i) dets_.push_back(&cc.dets[cell.det_begin + i]);
      const std::size_t G = gts_.size();
      ious_.resize(D * G);
      for (std::size_t d = 0; d < D; ++d)
        for (std::size_t g = 0; g < G; ++g) ious_[d * G + g] = box_iou(dets_[d]->box, gts_[g]->box, gts_[g]->crowd);
      const std::size_t first = scores_.size();
      for (std::uint32_t d = 0; d < D; ++d) {
        scores_.push_back(dets_[d]->score);
        ranks_.push_back(d);
      }
      matched_.resize(scores_.size() * A);
      ignored_.resize(scores_.size() * A);
      for (std::size_t a = 0; a < A; ++a) {
        match_cell(gts_, dets_, ious_, p_.area_ranges[a], p_.iou_thresholds, match_, scratch_);
        counted[a] += match_.gt_counted;
        for (std::size_t d = 0; d < D; ++d) {
          matched_[(first + d) * A + a] = match_.matched[d];
          ignored_[(first + d) * A + a] = match_.ignored[d];
        }
      }
    }

    // All detections of the class by score, highest first; ties in (image, rank) order,
    // which is what pycocotools' stable sort of the concatenated per-image lists gives.
    order_.resize(scores_.size());
    for (std::size_t i = 0; i < order_.size(); ++i) order_[i] = std::uint32_t(i);
    std::stable_sort(order_.begin(), order_.end(), [&](std::uint32_t x, std::uint32_t y) { return scores_[x] > scores_[y]; });

    const std::uint32_t all = T >= 32 ? ~0u : (1u << T) - 1;
    for (std::size_t m = 0; m < dims_.M; ++m) {
      const std::uint32_t limit = std::uint32_t(std::max(0, p_.max_dets[m]));
      for (std::size_t a = 0; a < A; ++a) {
        if (counted[a] == 0) continue;  // no counted ground truth: stays −1
        // The detections within maxDets, in score order, as TP/FP masks over thresholds;
        // those ignored at every threshold change nothing and are left out.
        flags_.clear();
        for (std::uint32_t i : order_) {
          if (ranks_[i] >= limit) continue;
          const std::uint32_t mat = matched_[std::size_t(i) * A + a], ign = ignored_[std::size_t(i) * A + a];
          const Flags f{mat & ~ign, ~mat & ~ign & all};
          if (f.tp | f.fp) flags_.push_back(f);
        }
        for (std::size_t t = 0; t < T; ++t) {
          double* q = precision + ((a * dims_.M + m) * T + t) * dims_.R;
          recall[(a * dims_.M + m) * T + t] = accumulate(t, double(counted[a]), q);
        }
      }
    }
  }

 private:
  // pycocotools' accumulate() for one (t, k, a, m): fills the R interpolated precisions
  // and returns the final recall. Only true positives move the curve: between two of them
  // recall stays put and precision falls, so the first point reaching a recall level and the
  // highest precision from there on are both found among the true-positive points. Computing
  // rc and pr just there gives pycocotools' values bit for bit with far fewer divisions.
  double accumulate(std::size_t t, double npig, double* q) {
    const std::uint32_t bit = 1u << t;
    rc_.clear();
    pr_.clear();
    double tp = 0, fp = 0;
    for (const Flags& f : flags_) {
      if (f.tp & bit) {
        tp += 1;
        rc_.push_back(tp / npig);
        pr_.push_back(tp / (fp + tp + std::numeric_limits<double>::epsilon()));
      } else if (f.fp & bit) {
        fp += 1;
      }
    }
    // Precision envelope from the right.
    for (std::size_t i = pr_.size(); i-- > 1;)
      if (pr_[i] > pr_[i - 1]) pr_[i - 1] = pr_[i];
    // searchsorted(rc, recThrs, side="left"); thresholds past the last recall stay 0.
    const std::size_t n = rc_.size();
    std::size_t i = 0;
    for (std::size_t r = 0; r < dims_.R; ++r) {
      const double thr = p_.recall_thresholds[r];
      while (i < n && rc_[i] < thr) ++i;
      q[r] = i < n ? pr_[i] : 0.0;
    }
    return tp / npig;  // rc[-1] (0 when there is no detection)
  }

  const CocoParams& p_;
  Dims dims_;
  std::vector<const GtBox*> gts_;
  std::vector<const Detection*> dets_;
  std::vector<double> ious_;
  CellMatch match_;
  MatchScratch scratch_;
  std::vector<double> scores_;
  struct Flags {
    std::uint32_t tp, fp;  // bit t: a true / false positive at iou_thresholds[t]
  };
  std::vector<std::uint32_t> ranks_, matched_, ignored_, order_;
  std::vector<Flags> flags_;
  std::vector<double> rc_, pr_;
};

// Mean of the entries > −1, or −1 when there are none (pycocotools' _summarize).
struct ValidMean {
  double sum = 0;
  std::size_t n = 0;
  void add(double v) {
    if (v > -1) {
      sum += v;
      ++n;
    }
  }
  double value() const { return n ? sum / double(n) : -1.0; }
};

long index_of(const std::vector<double>& v, double x) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i] == x) return long(i);
  return -1;
}

long index_of(const std::vector<int>& v, int x) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i] == x) return long(i);
  return -1;
}

long area_index(const CocoParams& p, const std::string& name) {
  for (std::size_t i = 0; i < p.area_ranges.size(); ++i)
    if (p.area_ranges[i].name == name) return long(i);
  return -1;
}

}  // namespace

double CocoResult::precision(std::size_t t, std::size_t r, std::size_t k, std::size_t a, std::size_t m) const {
  const std::size_t T = params.iou_thresholds.size(), R = params.recall_thresholds.size();
  const std::size_t A = params.area_ranges.size(), M = params.max_dets.size();
  return precision_values[(((k * A + a) * M + m) * T + t) * R + r];
}

double CocoResult::recall(std::size_t t, std::size_t k, std::size_t a, std::size_t m) const {
  const std::size_t T = params.iou_thresholds.size();
  const std::size_t A = params.area_ranges.size(), M = params.max_dets.size();
  return recall_values[((k * A + a) * M + m) * T + t];
}

CocoResult evaluate_coco(const EvalSet& set, const CocoParams& params, unsigned threads) {
  if (params.iou_thresholds.empty() || params.iou_thresholds.size() > 32)
    throw UsageError("COCO evaluation needs 1 to 32 IoU thresholds");
  if (params.max_dets.empty() || !std::is_sorted(params.max_dets.begin(), params.max_dets.end()))
    throw UsageError("COCO maxDets must be a non-empty ascending list");
  CocoResult res;
  res.params = params;
  res.classes = set.classes;
  const Dims dims{params.iou_thresholds.size(), params.recall_thresholds.size(), set.classes.size(),
                  params.area_ranges.size(), params.max_dets.size()};
  const std::size_t per_class_p = dims.A * dims.M * dims.T * dims.R;
  const std::size_t per_class_r = dims.A * dims.M * dims.T;
  res.precision_values.assign(dims.K * per_class_p, -1.0);
  res.recall_values.assign(dims.K * per_class_r, -1.0);

  const std::vector<ClassCells> cells = group_by_class(set);
  parallel_for(dims.K, threads, [&](std::size_t k) {
    ClassEvaluator ev(params, dims);
    ev.run(cells[k], res.precision_values.data() + k * per_class_p, res.recall_values.data() + k * per_class_r);
  });

  // summarize(): the 12 numbers.
  auto summarize = [&](bool ap, double iou, const std::string& area, int max_det) {
    const long a = area_index(params, area), m = index_of(params.max_dets, max_det);
    std::vector<std::size_t> ts;
    if (iou < 0) {
      for (std::size_t t = 0; t < dims.T; ++t) ts.push_back(t);
    } else if (long t = index_of(params.iou_thresholds, iou); t >= 0) {
      ts.push_back(std::size_t(t));
    }
    ValidMean mean;
    if (a < 0 || m < 0) return -1.0;
    for (std::size_t t : ts) {
      if (ap) {
        for (std::size_t r = 0; r < dims.R; ++r)
          for (std::size_t k = 0; k < dims.K; ++k) mean.add(res.precision(t, r, k, std::size_t(a), std::size_t(m)));
      } else {
        for (std::size_t k = 0; k < dims.K; ++k) mean.add(res.recall(t, k, std::size_t(a), std::size_t(m)));
      }
    }
    return mean.value();
  };
  const auto& md = params.max_dets;
  const int m0 = md[0], m1 = md.size() > 1 ? md[1] : md[0], m2 = md.size() > 2 ? md[2] : md.back();
  res.stats = {summarize(true, -1, "all", 100),     summarize(true, 0.5, "all", m2),
               summarize(true, 0.75, "all", m2),    summarize(true, -1, "small", m2),
               summarize(true, -1, "medium", m2),   summarize(true, -1, "large", m2),
               summarize(false, -1, "all", m0),     summarize(false, -1, "all", m1),
               summarize(false, -1, "all", m2),     summarize(false, -1, "small", m2),
               summarize(false, -1, "medium", m2),  summarize(false, -1, "large", m2)};

  // Per-class AP (detectron2 / mmdetection convention): area "all", the last maxDets.
  res.per_class_ap.assign(dims.K, -1.0);
  const long all = area_index(params, "all");
  for (std::size_t k = 0; k < dims.K && all >= 0; ++k) {
    ValidMean mean;
    for (std::size_t t = 0; t < dims.T; ++t)
      for (std::size_t r = 0; r < dims.R; ++r) mean.add(res.precision(t, r, k, std::size_t(all), dims.M - 1));
    res.per_class_ap[k] = mean.value();
  }
  return res;
}

}  // namespace autodet::eval
