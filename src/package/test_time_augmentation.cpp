#include "package/test_time_augmentation.h"

#include <algorithm>
#include <cmath>

#include "core/value_words.h"
#include "eval/iou.h"

namespace autodet {
namespace {

eval::XYWH xywh(const Detection& d) { return eval::XYWH{d.x0, d.y0, d.x1 - d.x0, d.y1 - d.y0}; }

// A multiple of 32 near `v`, at least 32.
int stride_multiple(double v) { return std::max(32, int(std::lround(v / 32.0)) * 32); }

struct Cluster {
  Detection fused;       // the weighted mean box; score unused until the end
  double weight = 0;     // sum of the members' scores
  double sx0 = 0, sy0 = 0, sx1 = 0, sy1 = 0;  // score-weighted sums of the corners
  int members = 0;

  void add(const Detection& d) {
    weight += d.score;
    sx0 += d.score * d.x0;
    sy0 += d.score * d.y0;
    sx1 += d.score * d.x1;
    sy1 += d.score * d.y1;
    ++members;
    if (weight > 0) {
      fused.x0 = sx0 / weight;
      fused.y0 = sy0 / weight;
      fused.x1 = sx1 / weight;
      fused.y1 = sy1 / weight;
    }
  }
};

}  // namespace

std::string to_string(TestTimeAugmentation t) {
  switch (t) {
    case TestTimeAugmentation::none: return "none";
    case TestTimeAugmentation::flip: return "flip";
    case TestTimeAugmentation::multi_scale_flip: return "multi_scale_flip";
  }
  return "none";
}

std::optional<TestTimeAugmentation> parse_test_time_augmentation(const std::string& text) {
  const std::string w = lower_word(text);
  for (auto t : {TestTimeAugmentation::none, TestTimeAugmentation::flip, TestTimeAugmentation::multi_scale_flip})
    if (w == to_string(t)) return t;
  return std::nullopt;
}

std::vector<std::string> test_time_augmentation_names() { return {"none", "flip", "multi_scale_flip"}; }

std::vector<AugmentedPass> augmented_passes(TestTimeAugmentation t, int img_size, bool resizable) {
  std::vector<int> sizes{img_size};
  if (t == TestTimeAugmentation::multi_scale_flip && resizable)
    for (double f : {0.85, 1.15})
      if (int s = stride_multiple(img_size * f); std::find(sizes.begin(), sizes.end(), s) == sizes.end()) sizes.push_back(s);
  std::vector<AugmentedPass> passes;
  for (int s : sizes) {
    passes.push_back(AugmentedPass{s, false});
    if (t != TestTimeAugmentation::none) passes.push_back(AugmentedPass{s, true});
  }
  return passes;
}

ImageDetections fuse_boxes(std::vector<Detection> dets, int passes, double iou_threshold) {
  // Equal scores are common (a mirrored pass often scores a box exactly as the plain one): ties are
  // broken by the box, so the result does not depend on the order the passes came in, and an
  // image and its mirror give mirrored results.
  std::sort(dets.begin(), dets.end(), [](const Detection& a, const Detection& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.y0 != b.y0) return a.y0 < b.y0;
    if (a.y1 != b.y1) return a.y1 < b.y1;
    if (a.x1 - a.x0 != b.x1 - b.x0) return a.x1 - a.x0 < b.x1 - b.x0;
    if (a.cls != b.cls) return a.cls < b.cls;
    return a.x0 < b.x0;
  });
  std::vector<Cluster> clusters;
  for (const Detection& d : dets) {
    const eval::XYWH box = xywh(d);
    Cluster* match = nullptr;
    double best = iou_threshold;
    for (Cluster& c : clusters) {
      if (c.fused.cls != d.cls) continue;
      const double iou = eval::box_iou(xywh(c.fused), box, false);
      if (iou > best) {
        best = iou;
        match = &c;
      }
    }
    if (!match) {
      clusters.emplace_back();
      match = &clusters.back();
      match->fused = d;
    }
    match->add(d);
  }
  const int n = std::max(1, passes);
  ImageDetections out;
  out.reserve(clusters.size());
  for (Cluster& c : clusters) {
    Detection f = c.fused;
    f.score = c.weight / c.members * std::min(c.members, n) / double(n);
    out.push_back(f);
  }
  std::stable_sort(out.begin(), out.end(), [](const Detection& a, const Detection& b) { return a.score > b.score; });
  return out;
}

}  // namespace autodet
