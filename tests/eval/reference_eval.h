#pragma once
// A straightforward, deliberately unoptimized re-implementation of the two metrics, written
// from the algorithms (pycocotools' cocoeval.py / maskApi.c bbIou, and Azure's VOC metric as
// spec §6.2 states it) and sharing no code with src/eval beyond the input structs. Tests use
// it as an independent oracle; bench/bench_eval.cpp uses it as the naive baseline. Every
// (image, class) pair is found by scanning all boxes, as the Python code's dicts would give.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "eval/eval_set.h"

namespace autodet::reference {

using eval::Detection;
using eval::EvalSet;
using eval::GtBox;

// maskApi.c bbIou for one pair.
inline double bb_iou(const double* D, const double* G, bool crowd) {
  double ga = G[2] * G[3], da = D[2] * D[3];
  double w = std::fmin(D[2] + D[0], G[2] + G[0]) - std::fmax(D[0], G[0]);
  if (w <= 0) return 0;
  double h = std::fmin(D[3] + D[1], G[3] + G[1]) - std::fmax(D[1], G[1]);
  if (h <= 0) return 0;
  double i = w * h;
  double u = crowd ? da : da + ga - i;
  return i / u;
}

struct RefGt {
  double bbox[4];
  double area;
  bool iscrowd;
  long id;
};
struct RefDt {
  double bbox[4];
  double area;
  double score;
  long id;
};

// Result arrays in pycocotools' shapes: precision[T][R][K][A][M], recall[T][K][A][M].
struct RefCoco {
  std::size_t T, R, K, A, M;
  std::vector<double> precision, recall;
  std::array<double, 12> stats;
  double& p(std::size_t t, std::size_t r, std::size_t k, std::size_t a, std::size_t m) {
    return precision[(((t * R + r) * K + k) * A + a) * M + m];
  }
  double& rc(std::size_t t, std::size_t k, std::size_t a, std::size_t m) { return recall[((t * K + k) * A + a) * M + m]; }
};

inline std::vector<double> np_linspace(double start, double stop, int num) {
  std::vector<double> y(num);
  double step = (stop - start) / (num - 1);
  for (int i = 0; i < num; ++i) y[i] = i * step + start;
  y[num - 1] = stop;
  return y;
}

// COCOeval(cocoGt, cocoDt, "bbox").evaluate(); accumulate(); summarize() for an EvalSet.
inline RefCoco coco_eval(const EvalSet& set) {
  const std::vector<double> iouThrs = np_linspace(.5, 0.95, 10);
  const std::vector<double> recThrs = np_linspace(.0, 1.00, 101);
  const std::vector<int> maxDets = {1, 10, 100};
  const std::vector<std::array<double, 2>> areaRng = {{0, 1e10}, {0, 1024}, {1024, 9216}, {9216, 1e10}};
  const std::vector<std::string> areaLbl = {"all", "small", "medium", "large"};
  const std::size_t T = 10, R = 101, K = set.classes.size(), A = 4, M = 3;

  // loadRes / _prepare: ids in file order, buckets per (image, category).
  std::vector<std::size_t> imgs(set.images.size());
  std::iota(imgs.begin(), imgs.end(), 0);
  std::stable_sort(imgs.begin(), imgs.end(), [&](auto a, auto b) { return set.images[a].id < set.images[b].id; });
  std::map<std::pair<std::size_t, int>, std::vector<RefGt>> gts;
  std::map<std::pair<std::size_t, int>, std::vector<RefDt>> dts;
  long next_gt = 1, next_dt = 1;
  for (std::size_t i : imgs)
    for (int k = 0; k < int(K); ++k) {
      for (const GtBox& g : set.images[i].gts)
        if (g.cls == k) gts[{i, k}].push_back({{g.box.x, g.box.y, g.box.w, g.box.h}, g.box.w * g.box.h, g.crowd, next_gt++});
      for (const Detection& d : set.images[i].dets)
        if (d.cls == k) dts[{i, k}].push_back({{d.box.x, d.box.y, d.box.w, d.box.h}, d.box.w * d.box.h, d.score, next_dt++});
    }

  struct EvalImg {
    std::vector<double> dtScores;
    std::vector<std::vector<long>> dtMatches;  // [T][D]
    std::vector<std::vector<bool>> dtIgnore;   // [T][D]
    std::vector<bool> gtIgnore;
  };
  auto sorted_dt = [&](std::vector<RefDt> dt) {
    std::stable_sort(dt.begin(), dt.end(), [](const RefDt& a, const RefDt& b) { return -a.score < -b.score; });
    return dt;
  };
  auto computeIoU = [&](std::size_t img, int cat) {
    std::vector<RefGt> gt = gts[{img, cat}];
    std::vector<RefDt> dt = sorted_dt(dts[{img, cat}]);
    if (dt.size() > std::size_t(maxDets.back())) dt.resize(maxDets.back());
    std::vector<std::vector<double>> ious(dt.size(), std::vector<double>(gt.size()));
    for (std::size_t d = 0; d < dt.size(); ++d)
      for (std::size_t g = 0; g < gt.size(); ++g) ious[d][g] = bb_iou(dt[d].bbox, gt[g].bbox, gt[g].iscrowd);
    return ious;
  };
  auto evaluateImg = [&](std::size_t img, int cat, std::array<double, 2> aRng, int maxDet) -> std::optional<EvalImg> {
    std::vector<RefGt> gt = gts[{img, cat}];
    std::vector<RefDt> dt = dts[{img, cat}];
    if (gt.empty() && dt.empty()) return std::nullopt;
    std::vector<int> _ignore;
    for (auto& g : gt) _ignore.push_back(g.iscrowd || g.area < aRng[0] || g.area > aRng[1] ? 1 : 0);
    std::vector<std::size_t> gtind(gt.size());
    std::iota(gtind.begin(), gtind.end(), 0);
    std::stable_sort(gtind.begin(), gtind.end(), [&](auto a, auto b) { return _ignore[a] < _ignore[b]; });
    std::vector<RefGt> gts2;
    std::vector<int> gtIg;
    for (auto i : gtind) {
      gts2.push_back(gt[i]);
      gtIg.push_back(_ignore[i]);
    }
    dt = sorted_dt(dt);
    if (dt.size() > std::size_t(maxDet)) dt.resize(maxDet);
    auto all_ious = computeIoU(img, cat);
    std::vector<std::vector<long>> gtm(T, std::vector<long>(gts2.size(), 0)), dtm(T, std::vector<long>(dt.size(), 0));
    std::vector<std::vector<bool>> dtIg(T, std::vector<bool>(dt.size(), false));
    if (!gt.empty() && !dt.empty()) {
      for (std::size_t t = 0; t < T; ++t)
        for (std::size_t d = 0; d < dt.size(); ++d) {
          double iou = std::min(iouThrs[t], 1 - 1e-10);
          long m = -1;
          for (std::size_t g = 0; g < gts2.size(); ++g) {
            if (gtm[t][g] > 0 && !gts2[g].iscrowd) continue;
            if (m > -1 && gtIg[m] == 0 && gtIg[g] == 1) break;
            double v = all_ious[d][gtind[g]];
            if (v < iou) continue;
            iou = v;
            m = long(g);
          }
          if (m == -1) continue;
          dtIg[t][d] = gtIg[m];
          dtm[t][d] = gts2[m].id;
          gtm[t][m] = dt[d].id;
        }
    }
    for (std::size_t t = 0; t < T; ++t)
      for (std::size_t d = 0; d < dt.size(); ++d)
        dtIg[t][d] = dtIg[t][d] || (dtm[t][d] == 0 && (dt[d].area < aRng[0] || dt[d].area > aRng[1]));
    EvalImg e;
    for (auto& d : dt) e.dtScores.push_back(d.score);
    e.dtMatches = dtm;
    e.dtIgnore = dtIg;
    for (int g : gtIg) e.gtIgnore.push_back(g != 0);
    return e;
  };

  // evalImgs ordered cat -> area -> image.
  std::vector<std::optional<EvalImg>> evalImgs;
  for (std::size_t k = 0; k < K; ++k)
    for (std::size_t a = 0; a < A; ++a)
      for (std::size_t i : imgs) evalImgs.push_back(evaluateImg(i, int(k), areaRng[a], maxDets.back()));

  RefCoco res{T, R, K, A, M, std::vector<double>(T * R * K * A * M, -1.0), std::vector<double>(T * K * A * M, -1.0), {}};
  const std::size_t I0 = imgs.size();
  for (std::size_t k = 0; k < K; ++k)
    for (std::size_t a = 0; a < A; ++a)
      for (std::size_t m = 0; m < M; ++m) {
        const int maxDet = maxDets[m];
        std::vector<const EvalImg*> E;
        for (std::size_t i = 0; i < I0; ++i)
          if (evalImgs[k * A * I0 + a * I0 + i]) E.push_back(&*evalImgs[k * A * I0 + a * I0 + i]);
        if (E.empty()) continue;
        std::vector<double> dtScores;
        std::vector<std::vector<long>> dtm(T);
        std::vector<std::vector<bool>> dtIg(T);
        std::size_t npig = 0;
        for (auto* e : E) {
          std::size_t n = std::min<std::size_t>(e->dtScores.size(), maxDet);
          dtScores.insert(dtScores.end(), e->dtScores.begin(), e->dtScores.begin() + n);
          for (std::size_t t = 0; t < T; ++t) {
            dtm[t].insert(dtm[t].end(), e->dtMatches[t].begin(), e->dtMatches[t].begin() + n);
            dtIg[t].insert(dtIg[t].end(), e->dtIgnore[t].begin(), e->dtIgnore[t].begin() + n);
          }
          for (bool g : e->gtIgnore) npig += g ? 0 : 1;
        }
        std::vector<std::size_t> inds(dtScores.size());
        std::iota(inds.begin(), inds.end(), 0);
        std::stable_sort(inds.begin(), inds.end(), [&](auto x, auto y) { return -dtScores[x] < -dtScores[y]; });
        if (npig == 0) continue;
        for (std::size_t t = 0; t < T; ++t) {
          std::vector<double> tp_sum, fp_sum;
          double tp = 0, fp = 0;
          for (auto i : inds) {
            bool matched = dtm[t][i] != 0, ign = dtIg[t][i];
            tp += (matched && !ign) ? 1 : 0;
            fp += (!matched && !ign) ? 1 : 0;
            tp_sum.push_back(tp);
            fp_sum.push_back(fp);
          }
          const std::size_t nd = tp_sum.size();
          std::vector<double> rc(nd), pr(nd), q(R, 0.0);
          for (std::size_t i = 0; i < nd; ++i) {
            rc[i] = tp_sum[i] / double(npig);
            pr[i] = tp_sum[i] / (fp_sum[i] + tp_sum[i] + 2.220446049250313e-16);
          }
          res.rc(t, k, a, m) = nd ? rc[nd - 1] : 0;
          for (std::size_t i = nd - 1; nd > 0 && i > 0; --i)
            if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
          for (std::size_t ri = 0; ri < R; ++ri) {
            std::size_t pi = std::lower_bound(rc.begin(), rc.end(), recThrs[ri]) - rc.begin();
            if (pi >= nd) break;  // IndexError ends the try block
            q[ri] = pr[pi];
          }
          for (std::size_t ri = 0; ri < R; ++ri) res.p(t, ri, k, a, m) = q[ri];
        }
      }

  auto summarize = [&](bool ap, double iouThr, const std::string& area, int md) {
    std::size_t a = std::find(areaLbl.begin(), areaLbl.end(), area) - areaLbl.begin();
    std::size_t m = std::find(maxDets.begin(), maxDets.end(), md) - maxDets.begin();
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t t = 0; t < T; ++t) {
      if (iouThr >= 0 && iouThrs[t] != iouThr) continue;
      if (ap) {
        for (std::size_t r = 0; r < R; ++r)
          for (std::size_t k = 0; k < K; ++k)
            if (res.p(t, r, k, a, m) > -1) sum += res.p(t, r, k, a, m), ++n;
      } else {
        for (std::size_t k = 0; k < K; ++k)
          if (res.rc(t, k, a, m) > -1) sum += res.rc(t, k, a, m), ++n;
      }
    }
    return n ? sum / n : -1.0;
  };
  res.stats = {summarize(1, -1, "all", 100),   summarize(1, .5, "all", 100),    summarize(1, .75, "all", 100),
               summarize(1, -1, "small", 100), summarize(1, -1, "medium", 100), summarize(1, -1, "large", 100),
               summarize(0, -1, "all", 1),     summarize(0, -1, "all", 10),     summarize(0, -1, "all", 100),
               summarize(0, -1, "small", 100), summarize(0, -1, "medium", 100), summarize(0, -1, "large", 100)};
  return res;
}

// Azure's VOC metric, spec §6.2, literally.
struct RefVocClass {
  double ap = -1, precision = -1, recall = -1;
};
struct RefVoc {
  std::vector<RefVocClass> per_class;
  double map = 0, precision = 0, recall = 0;
};

inline RefVoc voc_eval(const EvalSet& set, double iou_thr, bool eleven_point = false) {
  RefVoc out;
  std::vector<std::size_t> imgs(set.images.size());
  std::iota(imgs.begin(), imgs.end(), 0);
  std::stable_sort(imgs.begin(), imgs.end(), [&](auto a, auto b) { return set.images[a].id < set.images[b].id; });
  for (int c = 0; c < int(set.classes.size()); ++c) {
    std::vector<std::pair<double, int>> preds;  // (score, 0 FP / 1 TP / 2 ignored), image order
    std::size_t m = 0;
    for (std::size_t i : imgs) {
      const auto& im = set.images[i];
      std::vector<const GtBox*> g;
      for (const auto& x : im.gts)
        if (x.cls == c) {
          g.push_back(&x);
          if (!x.crowd) ++m;
        }
      std::vector<const Detection*> p;
      for (const auto& x : im.dets)
        if (x.cls == c) p.push_back(&x);
      std::stable_sort(p.begin(), p.end(), [](auto a, auto b) { return a->score > b->score; });
      std::vector<bool> detected(g.size(), false);
      for (auto* d : p) {
        int cat = 0;
        if (!g.empty()) {
          double best = -1;
          std::size_t arg = 0;
          for (std::size_t j = 0; j < g.size(); ++j) {
            double db[4] = {d->box.x, d->box.y, d->box.w, d->box.h};
            double gb[4] = {g[j]->box.x, g[j]->box.y, g[j]->box.w, g[j]->box.h};
            double v = bb_iou(db, gb, g[j]->crowd);
            if (v > best) best = v, arg = j;
          }
          if (best >= iou_thr) {
            if (g[arg]->crowd)
              cat = 2;
            else if (!detected[arg])
              cat = 1, detected[arg] = true;
          }
        }
        preds.push_back({d->score, cat});
      }
    }
    RefVocClass r;
    const std::size_t n = preds.size();
    if (m == 0) {
      r.precision = n ? 0.0 : -1.0;
    } else if (n == 0) {
      r.ap = 0, r.recall = 0;
    } else {
      std::stable_sort(preds.begin(), preds.end(), [](auto& a, auto& b) { return a.first > b.first; });
      std::vector<double> prec{1.0}, rec{0.0};
      double tp = 0, fp = 0;
      for (auto& [s, cat] : preds) {
        tp += cat == 1, fp += cat == 0;
        prec.push_back(tp / (tp + fp + 1e-9));
        rec.push_back(tp / double(m));
      }
      r.precision = prec.back(), r.recall = rec.back();
      if (eleven_point) {
        double sum = 0;
        for (int i = 0; i <= 10; ++i) {
          double best = -1;
          for (std::size_t j = 1; j < rec.size(); ++j)
            if (rec[j] >= i * 0.1) best = std::max(best, prec[j]);
          if (best >= 0) sum += best;
        }
        r.ap = sum / 11.0;
      } else {
        std::vector<double> env(prec);
        for (std::size_t i = env.size() - 1; i > 0; --i) env[i - 1] = std::max(env[i - 1], env[i]);
        double ap = 0;
        for (std::size_t i = 1; i < env.size(); ++i) ap += env[i] * (rec[i] - rec[i - 1]);
        r.ap = ap;
      }
    }
    out.per_class.push_back(r);
  }
  auto mean = [&](double RefVocClass::*f) {
    double s = 0;
    std::size_t n = 0;
    for (auto& r : out.per_class)
      if (r.*f != -1) s += r.*f, ++n;
    return s / (n + 1e-9);
  };
  out.map = mean(&RefVocClass::ap), out.precision = mean(&RefVocClass::precision), out.recall = mean(&RefVocClass::recall);
  return out;
}

}  // namespace autodet::reference
