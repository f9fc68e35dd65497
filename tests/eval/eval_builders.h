#pragma once
// Small builders for hand-made evaluation sets in tests.
#include <string>
#include <vector>

#include "eval/eval_set.h"

namespace autodet::eval::testing {

inline GtBox gt(int cls, double x, double y, double w, double h, bool crowd = false) { return GtBox{XYWH{x, y, w, h}, cls, crowd}; }
inline Detection det(int cls, double x, double y, double w, double h, double score) { return Detection{XYWH{x, y, w, h}, cls, score}; }

// A set with the given classes and one image per entry of `images` (ids 1..N).
inline EvalSet make_set(std::vector<std::string> classes, std::vector<std::pair<std::vector<GtBox>, std::vector<Detection>>> images) {
  EvalSet s;
  s.classes = std::move(classes);
  for (std::size_t i = 0; i < images.size(); ++i) {
    EvalImage im;
    im.id = std::int64_t(i) + 1;
    im.url = "img" + std::to_string(i + 1) + ".jpg";
    im.width = 1000;
    im.height = 1000;
    im.gts = std::move(images[i].first);
    im.dets = std::move(images[i].second);
    s.images.push_back(std::move(im));
  }
  return s;
}

}  // namespace autodet::eval::testing
