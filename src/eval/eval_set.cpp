#include "eval/eval_set.h"

#include <algorithm>
#include <numeric>

namespace autodet::eval {

int EvalSet::class_index(const std::string& name) const {
  auto it = std::lower_bound(classes.begin(), classes.end(), name);
  if (it != classes.end() && *it == name) return int(it - classes.begin());
  // classes need not be sorted when built by hand; fall back to a scan.
  it = std::find(classes.begin(), classes.end(), name);
  return it == classes.end() ? -1 : int(it - classes.begin());
}

std::vector<std::size_t> EvalSet::order() const {
  std::vector<std::size_t> idx(images.size());
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return images[a].id < images[b].id; });
  return idx;
}

std::size_t EvalSet::gt_count() const {
  std::size_t n = 0;
  for (const auto& im : images) n += im.gts.size();
  return n;
}

std::size_t EvalSet::det_count() const {
  std::size_t n = 0;
  for (const auto& im : images) n += im.dets.size();
  return n;
}

EvalSet eval_set_from_dataset(const Dataset& data) {
  EvalSet set;
  set.classes = data.classes();
  set.images.reserve(data.images.size());
  for (std::size_t i = 0; i < data.images.size(); ++i) {
    const ImageRecord& rec = data.images[i];
    EvalImage im;
    im.id = std::int64_t(i) + 1;
    im.url = rec.url;
    im.path = rec.path;
    im.width = rec.width;
    im.height = rec.height;
    im.gts.reserve(rec.boxes.size());
    for (const Box& b : rec.boxes) {
      GtBox g;
      g.box = XYWH{b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0};
      g.cls = set.class_index(b.label);
      g.crowd = b.crowd;
      im.gts.push_back(g);
    }
    set.images.push_back(std::move(im));
  }
  return set;
}

void keep_scores_above(EvalSet& set, double threshold) {
  for (auto& im : set.images)
    im.dets.erase(std::remove_if(im.dets.begin(), im.dets.end(), [&](const Detection& d) { return !(d.score > threshold); }),
                  im.dets.end());
}

}  // namespace autodet::eval
