#pragma once
// AutoAnchor (Ultralytics v6.x check_anchors / kmean_anchors): measures how well the anchors fit the
// dataset's box sizes and, when the best possible recall is too low, refits them with k-means
// followed by a genetic evolution. Plain C++ (no tensors): it runs once per training job.
#include <array>
#include <string>
#include <vector>

#include "core/rng.h"

namespace autodet::models {

using BoxSize = std::array<float, 2>;  // (w, h) in pixels

// How anchors cover a set of box sizes: a box "fits" an anchor when both w and h ratios (either
// way) are below thr. bpr: share of boxes fitting at least one anchor; aat: anchors fitting per box.
struct AnchorMetric {
  double bpr = 0;
  double aat = 0;
};
AnchorMetric anchor_metric(const std::vector<BoxSize>& wh, const std::vector<BoxSize>& anchors, double thr = 4.0);

// Knobs of the anchor fit; the defaults are Ultralytics'.
struct AutoAnchorOptions {
  double thr = 4.0;            // anchor_t
  double bpr_target = 0.98;    // anchors are kept when BPR > this
  int generations = 1000;      // genetic evolution steps
  double mutation_prob = 0.9;  // per-coordinate mutation probability
  double sigma = 0.1;          // mutation scale
  int kmeans_restarts = 30;    // k-means runs from random starts (scipy's `iter`), best kept
  int image_size = 640;        // only for the fallback when there are fewer boxes than anchors
  std::size_t max_boxes = 100000;  // larger sets are subsampled (seeded) for the fit
};

// Fits n anchors to box sizes (pixels at the training size): k-means on whitened sizes, then
// evolution of the fitness mean(best ratio where above 1/thr). Returned sorted by area.
std::vector<BoxSize> kmean_anchors(const std::vector<BoxSize>& wh, int n, Rng& rng, const AutoAnchorOptions& opt = {});

// Outcome of check_anchors.
struct AnchorCheck {
  std::vector<std::vector<float>> anchors;  // per level, (w, h) pairs in pixels: new or unchanged
  AnchorMetric before;                      // metric of the given anchors
  double bpr_after = 0;                     // BPR of the returned anchors
  bool changed = false;                     // true when refitted anchors replaced the given ones
  std::string report;                       // human-readable summary (one or two lines)
};

// box_wh: the dataset's box sizes in pixels at the training image size (longest image side =
// image_size). Each size is jittered by a random scale in [0.9, 1.1] before measuring, as
// Ultralytics does. When BPR <= bpr_target the anchors are refitted and kept only if BPR improves.
AnchorCheck check_anchors(const std::vector<BoxSize>& box_wh, const std::vector<std::vector<float>>& anchors_px, Rng& rng,
                          const AutoAnchorOptions& opt = {});

}  // namespace autodet::models
