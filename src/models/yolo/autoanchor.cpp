#include "models/yolo/autoanchor.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "core/error.h"

namespace autodet::models {

namespace {

// Standard normal draw (Box-Muller) from the seeded generator.
double normal(Rng& rng) {
  double u1 = rng.uniform();
  while (u1 <= 0) u1 = rng.uniform();
  const double u2 = rng.uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

// Per box, the best (over anchors) of min(w ratio, h ratio) with ratios folded to <= 1; also counts
// anchors above 1/thr when `above` is given.
template <typename F>
void for_each_best(const std::vector<BoxSize>& wh, const std::vector<BoxSize>& k, F&& f) {
  const std::size_t na = k.size();
  std::vector<double> kw(na), kh(na), ikw(na), ikh(na);
  for (std::size_t j = 0; j < na; ++j) kw[j] = k[j][0], kh[j] = k[j][1], ikw[j] = 1.0 / k[j][0], ikh[j] = 1.0 / k[j][1];
  std::vector<double> x(na);
  for (const auto& b : wh) {
    const double w = b[0], h = b[1], iw = 1.0 / w, ih = 1.0 / h;
    for (std::size_t j = 0; j < na; ++j) {
      const double rw = std::min(w * ikw[j], kw[j] * iw);
      const double rh = std::min(h * ikh[j], kh[j] * ih);
      x[j] = std::min(rw, rh);
    }
    f(x);
  }
}

// Ultralytics' anchor_fitness: mean over boxes of best ratio, zeroed below 1/thr.
double fitness(const std::vector<BoxSize>& wh, const std::vector<BoxSize>& k, double thr) {
  const double inv = 1.0 / thr;
  double sum = 0;
  for_each_best(wh, k, [&](const std::vector<double>& x) {
    const double best = *std::max_element(x.begin(), x.end());
    if (best > inv) sum += best;
  });
  return wh.empty() ? 0.0 : sum / double(wh.size());
}

std::vector<BoxSize> sorted_by_area(std::vector<BoxSize> k) {
  std::stable_sort(k.begin(), k.end(), [](const BoxSize& a, const BoxSize& b) { return a[0] * a[1] < b[0] * b[1]; });
  return k;
}

// k distinct indices in [0, n), seeded partial Fisher-Yates.
std::vector<std::size_t> sample_indices(std::size_t n, std::size_t k, Rng& rng) {
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  for (std::size_t i = 0; i < k && i < n; ++i) std::swap(idx[i], idx[i + rng.below(n - i)]);
  idx.resize(std::min(k, n));
  return idx;
}

// Lloyd's k-means from `restarts` random starts (k observations each); returns the codebook with
// the lowest mean distance (scipy.cluster.vq.kmeans semantics, empty clusters re-seeded).
std::vector<std::array<double, 2>> kmeans(const std::vector<std::array<double, 2>>& obs, std::size_t k, int restarts,
                                          Rng& rng) {
  const std::size_t n = obs.size();
  std::vector<std::array<double, 2>> best_code;
  double best_distortion = std::numeric_limits<double>::infinity();
  std::vector<std::size_t> label(n);
  std::vector<double> dist(n);
  for (int run = 0; run < std::max(1, restarts); ++run) {
    std::vector<std::array<double, 2>> code;
    for (auto i : sample_indices(n, k, rng)) code.push_back(obs[i]);
    double prev = std::numeric_limits<double>::infinity(), distortion = prev;
    for (int iter = 0; iter < 300; ++iter) {
      double total = 0;
      for (std::size_t i = 0; i < n; ++i) {
        double bd = std::numeric_limits<double>::infinity();
        std::size_t bj = 0;
        for (std::size_t j = 0; j < k; ++j) {
          const double dx = obs[i][0] - code[j][0], dy = obs[i][1] - code[j][1];
          const double d = dx * dx + dy * dy;
          if (d < bd) bd = d, bj = j;
        }
        label[i] = bj;
        dist[i] = std::sqrt(bd);
        total += dist[i];
      }
      distortion = total / double(n);
      std::vector<std::array<double, 2>> sum(k, {0.0, 0.0});
      std::vector<std::size_t> count(k, 0);
      for (std::size_t i = 0; i < n; ++i) sum[label[i]][0] += obs[i][0], sum[label[i]][1] += obs[i][1], ++count[label[i]];
      for (std::size_t j = 0; j < k; ++j) {
        if (count[j] > 0) {
          code[j] = {sum[j][0] / double(count[j]), sum[j][1] / double(count[j])};
        } else {  // empty cluster: move it to the worst-served observation
          const auto far = std::size_t(std::max_element(dist.begin(), dist.end()) - dist.begin());
          code[j] = obs[far];
          dist[far] = 0;
        }
      }
      if (prev - distortion <= 1e-5) break;
      prev = distortion;
    }
    if (distortion < best_distortion) best_distortion = distortion, best_code = code;
  }
  return best_code;
}

std::string format_anchors(const std::vector<BoxSize>& k) {
  std::string s;
  for (std::size_t i = 0; i < k.size(); ++i) s += fmt::format("{}{:.0f},{:.0f}", i ? ", " : "", k[i][0], k[i][1]);
  return s;
}

}  // namespace

AnchorMetric anchor_metric(const std::vector<BoxSize>& wh, const std::vector<BoxSize>& anchors, double thr) {
  AnchorMetric m;
  if (wh.empty() || anchors.empty()) return m;
  const double inv = 1.0 / thr;
  double fit = 0, above = 0;
  for_each_best(wh, anchors, [&](const std::vector<double>& x) {
    double best = 0;
    for (double v : x) {
      best = std::max(best, v);
      if (v > inv) above += 1;
    }
    if (best > inv) fit += 1;
  });
  m.bpr = fit / double(wh.size());
  m.aat = above / double(wh.size());
  return m;
}

std::vector<BoxSize> kmean_anchors(const std::vector<BoxSize>& wh_in, int n, Rng& rng, const AutoAnchorOptions& opt) {
  if (n < 1) throw UsageError("autoanchor: need at least one anchor");
  // Boxes under 2 pixels in both sides are left out of the fit.
  std::vector<BoxSize> wh;
  for (const auto& b : wh_in)
    if ((b[0] >= 2.0f || b[1] >= 2.0f) && b[0] > 0 && b[1] > 0) wh.push_back(b);
  if (wh.size() > opt.max_boxes) {
    std::vector<BoxSize> sub;
    for (auto i : sample_indices(wh.size(), opt.max_boxes, rng)) sub.push_back(wh[i]);
    wh.swap(sub);
  }

  std::vector<BoxSize> k;
  if (wh.size() < std::size_t(n)) {
    // Too few boxes for k-means: random sizes (Ultralytics' fallback), evolved below.
    std::vector<double> r(2 * std::size_t(n));
    for (auto& v : r) v = rng.uniform() * opt.image_size;
    std::sort(r.begin(), r.end());
    for (int i = 0; i < n; ++i) k.push_back({float(r[2 * std::size_t(i)]), float(r[2 * std::size_t(i) + 1])});
    if (wh.empty()) return sorted_by_area(k);
  } else {
    // Whiten by the per-axis standard deviation, cluster, scale back.
    double mean[2] = {0, 0}, sd[2] = {0, 0};
    for (const auto& b : wh) mean[0] += b[0], mean[1] += b[1];
    mean[0] /= double(wh.size()), mean[1] /= double(wh.size());
    for (const auto& b : wh) sd[0] += (b[0] - mean[0]) * (b[0] - mean[0]), sd[1] += (b[1] - mean[1]) * (b[1] - mean[1]);
    for (double& s : sd) s = std::sqrt(s / double(wh.size()));
    for (double& s : sd)
      if (!(s > 0)) s = 1.0;  // all sizes equal along an axis
    std::vector<std::array<double, 2>> obs;
    obs.reserve(wh.size());
    for (const auto& b : wh) obs.push_back({b[0] / sd[0], b[1] / sd[1]});
    for (const auto& c : kmeans(obs, std::size_t(n), opt.kmeans_restarts, rng))
      k.push_back({float(c[0] * sd[0]), float(c[1] * sd[1])});
  }
  k = sorted_by_area(k);

  // Genetic evolution: mutate all anchors by a random factor, keep the child when fitter.
  double f = fitness(wh, k, opt.thr);
  if (opt.mutation_prob <= 0 || opt.sigma == 0) return k;
  std::vector<BoxSize> kg(k.size());
  std::vector<double> v(2 * k.size());
  for (int gen = 0; gen < opt.generations; ++gen) {
    bool all_one = true;
    while (all_one) {
      const double scale = rng.uniform();
      for (auto& x : v) {
        const bool mutate = rng.uniform() < opt.mutation_prob;
        const double z = normal(rng);
        x = std::clamp((mutate ? 1.0 : 0.0) * scale * z * opt.sigma + 1.0, 0.3, 3.0);
        if (x != 1.0) all_one = false;
      }
    }
    for (std::size_t j = 0; j < k.size(); ++j)
      kg[j] = {float(std::max(double(k[j][0]) * v[2 * j], 2.0)), float(std::max(double(k[j][1]) * v[2 * j + 1], 2.0))};
    const double fg = fitness(wh, kg, opt.thr);
    if (fg > f) f = fg, k = kg;
  }
  return sorted_by_area(k);
}

AnchorCheck check_anchors(const std::vector<BoxSize>& box_wh, const std::vector<std::vector<float>>& anchors_px, Rng& rng,
                          const AutoAnchorOptions& opt) {
  AnchorCheck out;
  out.anchors = anchors_px;
  std::vector<BoxSize> current;
  for (const auto& level : anchors_px) {
    if (level.size() % 2 != 0) throw UsageError("autoanchor: anchors must be (w, h) pairs");
    for (std::size_t i = 0; i + 1 < level.size(); i += 2) current.push_back({level[i], level[i + 1]});
  }
  if (current.empty()) throw UsageError("autoanchor: no anchors given");

  std::vector<BoxSize> wh;
  wh.reserve(box_wh.size());
  for (const auto& b : box_wh) {
    const double s = rng.uniform(0.9, 1.1);
    if (b[0] > 0 && b[1] > 0) wh.push_back({float(b[0] * s), float(b[1] * s)});
  }
  if (wh.empty()) {
    out.report = "AutoAnchor: no boxes, anchors left unchanged";
    out.bpr_after = 0;
    return out;
  }
  out.before = anchor_metric(wh, current, opt.thr);
  out.bpr_after = out.before.bpr;
  std::string head = fmt::format("AutoAnchor: {:.2f} anchors/target, {:.3f} Best Possible Recall (BPR). ", out.before.aat,
                                 out.before.bpr);
  if (out.before.bpr > opt.bpr_target) {
    out.report = head + "Current anchors are a good fit to the dataset.";
    return out;
  }
  auto fitted = kmean_anchors(box_wh, int(current.size()), rng, opt);  // fitted on the unjittered sizes
  const double new_bpr = anchor_metric(wh, fitted, opt.thr).bpr;
  if (new_bpr > out.before.bpr) {
    const std::size_t per_level = anchors_px[0].size() / 2;
    std::vector<std::vector<float>> levels(anchors_px.size());
    for (std::size_t i = 0; i < fitted.size(); ++i) {
      levels[i / per_level].push_back(fitted[i][0]);
      levels[i / per_level].push_back(fitted[i][1]);
    }
    out.anchors = levels;
    out.bpr_after = new_bpr;
    out.changed = true;
    out.report = head + fmt::format("Anchors refitted: BPR {:.3f} -> {:.3f}; anchors {}.", out.before.bpr, new_bpr,
                                    format_anchors(fitted));
  } else {
    out.report = head + fmt::format("Refitted anchors (BPR {:.3f}) are no better; original anchors kept.", new_bpr);
  }
  return out;
}

}  // namespace autodet::models
