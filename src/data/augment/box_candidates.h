#pragma once
// YOLOv5's filter for boxes after a geometric augmentation: keep a box when it is still wider and
// taller than wh_thr pixels, keeps more than area_thr of its (scaled) area, and is not a sliver.
#include "data/augment/labeled_box.h"

namespace autodet {

struct BoxCandidateRule {
  double wh_thr = 2;      // pixels
  double ar_thr = 100;    // max aspect ratio
  double area_thr = 0.1;  // min new area / (old area * scale^2)
};

// `before` in the source image, `after` transformed and clipped; `scale` the transform's zoom.
bool box_candidate(const LabeledBox& before, const LabeledBox& after, double scale, const BoxCandidateRule& rule = {});

}  // namespace autodet
